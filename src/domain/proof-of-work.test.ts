import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHALLENGE_TTL_SECONDS,
  issueChallenge,
  leadingZeroBits,
  powDigest,
  solve,
  verifySolution,
} from './proof-of-work.ts';

const SECRET = 'test-secret-not-for-production';
const SALE = 'sal_0123456789abcdef';
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** Deterministic 16-byte nonces, so the work measured below is the same on every run. */
const nonce = (i: number) => createHash('sha256').update(`nonce-${i}`).digest().subarray(0, 16);

const issue = (difficulty: number, i = 0) =>
  issueChallenge({ secret: SECRET, saleId: SALE, difficulty, now: T0, random: nonce(i) });

/** Replaces one dot-separated field of a challenge (0 = version … 5 = mac). */
function withField(challenge: string, index: number, value: string): string {
  const parts = challenge.split('.');
  parts[index] = value;
  return parts.join('.');
}

describe('proof of work leading zero bits', () => {
  it('leading zero bits - counts zero bits before the first one bit', () => {
    expect(leadingZeroBits(new Uint8Array([0x80]))).toBe(0);
    expect(leadingZeroBits(new Uint8Array([0x01]))).toBe(7);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x40]))).toBe(9);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x00, 0xff]))).toBe(16);
  });

  it('leading zero bits - all zeros and empty', () => {
    expect(leadingZeroBits(new Uint8Array(4))).toBe(32);
    expect(leadingZeroBits(new Uint8Array(0))).toBe(0);
  });
});

describe('proof of work challenge', () => {
  it('challenge - carries the sale, difficulty, expiry, nonce and a MAC', () => {
    const c = issue(10);
    expect(c.difficulty).toBe(10);
    expect(c.expiresAt).toBe(T0 + DEFAULT_CHALLENGE_TTL_SECONDS * 1000);
    expect(c.challenge).toBe(
      `v1.${SALE}.10.${c.expiresAt}.${Buffer.from(nonce(0)).toString('hex')}.${c.challenge.split('.')[5]}`,
    );
    expect(c.challenge.split('.')[5]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('challenge - the TTL is configurable', () => {
    const c = issueChallenge({ secret: SECRET, saleId: SALE, difficulty: 8, now: T0, ttlSeconds: 30 });
    expect(c.expiresAt).toBe(T0 + 30_000);
  });

  it('challenge - without a given nonce each challenge is different', () => {
    const a = issueChallenge({ secret: SECRET, saleId: SALE, difficulty: 8, now: T0 });
    const b = issueChallenge({ secret: SECRET, saleId: SALE, difficulty: 8, now: T0 });
    expect(a.challenge).not.toBe(b.challenge);
  });

  it('challenge - refuses a sale id with a dot, a bad difficulty or a short nonce', () => {
    const base = { secret: SECRET, saleId: SALE, difficulty: 8, now: T0 };
    expect(() => issueChallenge({ ...base, saleId: 'sal.x' })).toThrow(RangeError);
    expect(() => issueChallenge({ ...base, difficulty: 33 })).toThrow(RangeError);
    expect(() => issueChallenge({ ...base, difficulty: 1.5 })).toThrow(RangeError);
    expect(() => issueChallenge({ ...base, random: new Uint8Array(8) })).toThrow(RangeError);
  });

  it('challenge - a binary secret works like a string one', () => {
    const secret = new Uint8Array(32).fill(7);
    const c = issueChallenge({ secret, saleId: SALE, difficulty: 8, now: T0, random: nonce(1) });
    const solution = solve(c.challenge, 8) ?? '';
    expect(verifySolution({ secret, challenge: c.challenge, solution, saleId: SALE, now: T0 }).ok).toBe(true);
  });
});

describe('proof of work solve and verify', () => {
  it.each([8, 10, 12])('round trip - a solution at difficulty %i verifies', (difficulty) => {
    const c = issue(difficulty, difficulty);
    const solution = solve(c.challenge, difficulty);
    expect(solution).toBeDefined();
    expect(leadingZeroBits(powDigest(c.challenge, solution ?? ''))).toBeGreaterThanOrEqual(difficulty);
    const result = verifySolution({
      secret: SECRET,
      challenge: c.challenge,
      solution: solution ?? '',
      saleId: SALE,
      now: T0,
    });
    expect(result).toEqual({
      ok: true,
      value: {
        challengeId: Buffer.from(nonce(difficulty)).toString('hex'),
        expiresAt: c.expiresAt,
        difficulty,
      },
    });
  });

  it('solve - gives up after maxIterations', () => {
    expect(solve(issue(30).challenge, 30, 10)).toBeUndefined();
  });

  it('verify - a changed difficulty is pow_invalid', () => {
    const c = issue(12);
    const easier = withField(c.challenge, 2, '1');
    const solution = solve(easier, 1) ?? '';
    const result = verifySolution({ secret: SECRET, challenge: easier, solution, saleId: SALE, now: T0 });
    expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it('verify - a changed sale id in the challenge is pow_invalid', () => {
    const c = issue(8);
    const other = withField(c.challenge, 1, 'sal_zzzzzzzzzzzzzzzz');
    const solution = solve(other, 8) ?? '';
    const result = verifySolution({
      secret: SECRET,
      challenge: other,
      solution,
      saleId: 'sal_zzzzzzzzzzzzzzzz',
      now: T0,
    });
    expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it('verify - a genuine challenge presented for another sale is pow_invalid', () => {
    const c = issue(8);
    const solution = solve(c.challenge, 8) ?? '';
    const result = verifySolution({
      secret: SECRET,
      challenge: c.challenge,
      solution,
      saleId: 'sal_other',
      now: T0,
    });
    expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it('verify - a pushed-back expiry is pow_invalid', () => {
    const c = issue(8);
    const later = withField(c.challenge, 3, String(c.expiresAt + 3_600_000));
    const solution = solve(later, 8) ?? '';
    const result = verifySolution({ secret: SECRET, challenge: later, solution, saleId: SALE, now: T0 });
    expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it('verify - a challenge signed with another secret is pow_invalid', () => {
    const c = issueChallenge({ secret: 'other', saleId: SALE, difficulty: 8, now: T0, random: nonce(0) });
    const solution = solve(c.challenge, 8) ?? '';
    const result = verifySolution({
      secret: SECRET,
      challenge: c.challenge,
      solution,
      saleId: SALE,
      now: T0,
    });
    expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a challenge'],
    ['too few fields', 'v1.sal_x.8.123'],
    ['another version', 'v2.sal_x.8.123.00000000000000000000000000000000.' + '0'.repeat(64)],
    ['a short mac', 'v1.sal_x.8.123.00000000000000000000000000000000.abcd'],
  ])('verify - a malformed challenge (%s) is pow_invalid', (_label, challenge) => {
    const result = verifySolution({ secret: SECRET, challenge, solution: '1', saleId: 'sal_x', now: T0 });
    expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it('verify - a malformed or oversized solution is pow_invalid', () => {
    const c = issue(8);
    for (const solution of ['', 'a b', 'x'.repeat(65)]) {
      const result = verifySolution({
        secret: SECRET,
        challenge: c.challenge,
        solution,
        saleId: SALE,
        now: T0,
      });
      expect(result).toMatchObject({ ok: false, code: 'pow_invalid' });
    }
  });

  it('verify - at or after expiresAt the challenge is pow_expired', () => {
    const c = issue(8);
    const solution = solve(c.challenge, 8) ?? '';
    const verify = (now: number) =>
      verifySolution({ secret: SECRET, challenge: c.challenge, solution, saleId: SALE, now });
    expect(verify(c.expiresAt - 1).ok).toBe(true);
    expect(verify(c.expiresAt)).toMatchObject({ ok: false, code: 'pow_expired' });
  });

  it('verify - a solution that does not meet the difficulty is pow_insufficient', () => {
    const c = issue(12);
    // The first counter whose hash is NOT good enough: a wrong answer.
    let wrong = 0;
    while (leadingZeroBits(powDigest(c.challenge, String(wrong))) >= 12) wrong++;
    const result = verifySolution({
      secret: SECRET,
      challenge: c.challenge,
      solution: String(wrong),
      saleId: SALE,
      now: T0,
    });
    expect(result).toMatchObject({ ok: false, code: 'pow_insufficient' });
  });

  it('verify - a challenge below the difficulty the sale now requires is pow_invalid', () => {
    const c = issue(8);
    const solution = solve(c.challenge, 8) ?? '';
    const verify = (minDifficulty: number) =>
      verifySolution({
        secret: SECRET,
        challenge: c.challenge,
        solution,
        saleId: SALE,
        now: T0,
        minDifficulty,
      });
    expect(verify(8).ok).toBe(true);
    expect(verify(9)).toMatchObject({ ok: false, code: 'pow_invalid' });
  });

  it('verify - refusals carry a message', () => {
    const result = verifySolution({ secret: SECRET, challenge: 'x', solution: '1', saleId: SALE, now: T0 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });
});

describe('proof of work cost', () => {
  /** Tries needed: `solve` counts from 0, so the solution's value + 1. */
  const averageTries = (difficulty: number, solves: number) => {
    let total = 0;
    for (let i = 0; i < solves; i++)
      total += Number(solve(issue(difficulty, 1000 + i).challenge, difficulty)) + 1;
    return total / solves;
  };

  it('cost - difficulty 10 takes about 2^10 tries on average', () => {
    const avg = averageTries(10, 50);
    expect(avg).toBeGreaterThan(300);
    expect(avg).toBeLessThan(3000);
  });

  it('cost - two more bits is roughly four times the work', () => {
    const ratio = averageTries(10, 50) / averageTries(8, 50);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(8);
  });
});
