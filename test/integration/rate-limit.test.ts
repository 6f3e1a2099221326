import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { rateLimitScale: 1 } });
  });
  afterAll(() => t.close());

  it('rate limits - too many sign-in attempts from one address get 429 rate_limited with Retry-After', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 15 }, () =>
        t.http('POST', '/api/auth/login', { body: { email: 'x@y.dev', password: 'nope-nope' } }),
      ),
    );
    const limited = attempts.filter((r) => r.statusCode === 429);
    expect(limited.length).toBe(5);
    expect(limited[0]?.json().code).toBe('rate_limited');
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThan(0);
    expect(attempts.filter((r) => r.statusCode === 401)).toHaveLength(10);
  });
});
