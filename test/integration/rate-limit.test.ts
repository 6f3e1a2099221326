import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(await storeKinds())('rate limits (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ store: kind, config: { rateLimitScale: 1 } });
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

  it('rate limits - a route can count per account and per address: the queue join refuses a bot farm of many accounts on one address', async () => {
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10 }],
      waitingRoom: { admitPerMinute: 60, maxActive: 10, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const join = (who: Actor, ip = '203.0.113.7') =>
      t.fm.app.inject({
        method: 'POST',
        url: `/api/sales/${sale.id}/queue`,
        remoteAddress: ip,
        headers: { authorization: `Bearer ${who.token}` },
        payload: {},
      });
    // Per account: 10 joins a minute (joining again returns the same ticket).
    const [one] = await makeBuyers(t.fm, 1);
    const again = [];
    for (let i = 0; i < 11; i++) again.push(await join(one as Actor, '198.51.100.1'));
    expect(again.slice(0, 10).map((r) => r.statusCode)).toEqual([201, ...Array(9).fill(200)]);
    expect([again[10]?.statusCode, again[10]?.json().code]).toEqual([429, 'rate_limited']);

    // Per address: 60 joins a minute, whatever the accounts.
    const farm = await makeBuyers(t.fm, 61);
    const joins = [];
    for (const b of farm) joins.push(await join(b));
    expect(joins.slice(0, 60).every((r) => r.statusCode === 201)).toBe(true);
    const refused = joins[60];
    expect([refused?.statusCode, refused?.json().code]).toEqual([429, 'rate_limited']);
    expect(refused?.json().retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back by it.
    expect((await join(farm[60] as Actor, '192.0.2.9')).statusCode).toBe(201);
  });

  it('rate limits - requests with a forged, expired or malformed token are counted: guessing tokens meets 429, not endless 401s', async () => {
    const [buyer] = await makeBuyers(t.fm, 1);
    const expired = await t.fm.services.tokens.sign(
      { id: 'usr_gone', role: 'buyer', guest: false },
      { ttlSeconds: -60 },
    );
    const forged = `${(buyer as Actor).token.slice(0, -4)}AAAA`;
    const bad = [`Bearer ${forged}`, `Bearer ${expired}`, 'Basic abc', 'Bearer not.a.jwt'];
    const me = (authorization: string, ip = '203.0.113.50') =>
      t.fm.app.inject({ method: 'GET', url: '/api/me', remoteAddress: ip, headers: { authorization } });
    // /api/me has the default allowance: 300 requests per 10 s per address.
    const answers = [];
    for (let i = 0; i < 304; i++) answers.push(await me(bad[i % bad.length] as string));
    const codes = answers.map((r) => r.json().code);
    expect(codes.slice(0, 300).every((c) => c === 'invalid_token')).toBe(true);
    expect(codes.slice(300)).toEqual(Array(4).fill('rate_limited'));
    expect(answers[303]?.statusCode).toBe(429);
    expect(Number(answers[303]?.headers['retry-after'])).toBeGreaterThan(0);
    // The refused ones filled this address's allowance, a valid token included; another address is free.
    expect((await me(`Bearer ${(buyer as Actor).token}`)).statusCode).toBe(429);
    expect((await me(`Bearer ${(buyer as Actor).token}`, '198.51.100.77')).statusCode).toBe(200);
  });
});
