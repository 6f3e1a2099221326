import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { countdown, formatCountdown } from './countdown.ts';

describe('countdown and backoff', () => {
  it('countdown - counts to the target on the given server time', () => {
    const c = countdown('2030-01-01T00:01:05.300Z', Date.parse('2030-01-01T00:00:00Z'));
    expect(c).toMatchObject({ msLeft: 65_300, done: false, minutes: 1, seconds: 5, tenths: 3 });
    expect(formatCountdown(c)).toBe('01:05');
    expect(formatCountdown(countdown(9_400, 0))).toBe('9.4');
    expect(formatCountdown(countdown(2 * 86_400_000 + 3_600_000, 0))).toBe('2d 01:00:00');
    expect(countdown(0, 5).done).toBe(true);
  });

  it('backoff - grows exponentially up to a cap, with full jitter', () => {
    expect(backoffDelay(0, () => 0.999)).toBeLessThan(250);
    expect(backoffDelay(3, () => 0.999)).toBeLessThan(2_000);
    expect(backoffDelay(30, () => 0.999)).toBeLessThan(15_000);
    expect(backoffDelay(30, () => 0)).toBe(0);
  });
});
