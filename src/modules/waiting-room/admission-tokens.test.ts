import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Admission, AdmissionTokens } from './admission-tokens.ts';

const now = Date.UTC(2026, 10, 27, 12);
const admission: Admission = {
  buyerId: 'usr_a',
  saleId: 'sal_1',
  ticketId: 'tkt_1',
  admittedAt: now,
  expiresAt: now + 300_000,
};

describe('admission tokens', () => {
  it('hands every poll of an admission the same token, which verifies for its buyer and sale only', async () => {
    const tokens = new AdmissionTokens(randomBytes(32));
    const first = await tokens.sign(admission);
    expect(await tokens.sign({ ...admission })).toBe(first);
    expect(await tokens.verify(first, 'usr_a', 'sal_1', now + 1_000)).toEqual(admission);
    expect(await tokens.verify(first, 'usr_b', 'sal_1', now + 1_000)).toBeUndefined();
    expect(await tokens.verify(first, 'usr_a', 'sal_2', now + 1_000)).toBeUndefined();
    expect(await tokens.verify(first, 'usr_a', 'sal_1', admission.expiresAt)).toBeUndefined();
  });

  it('signs again when the admission changed: an extended window gets a token with the new expiry', async () => {
    const tokens = new AdmissionTokens(randomBytes(32));
    const first = await tokens.sign(admission);
    const extended = { ...admission, expiresAt: admission.expiresAt + 120_000 };
    const second = await tokens.sign(extended);
    expect(second).not.toBe(first);
    const later = admission.expiresAt + 60_000;
    expect(await tokens.verify(first, 'usr_a', 'sal_1', later)).toBeUndefined();
    expect(await tokens.verify(second, 'usr_a', 'sal_1', later)).toEqual(extended);
  });

  it('keeps tickets apart, and a token of another node with the same secret is the same token', async () => {
    const secret = randomBytes(32);
    const a = new AdmissionTokens(secret);
    const b = new AdmissionTokens(secret);
    const other = { ...admission, ticketId: 'tkt_2', buyerId: 'usr_b' };
    const t1 = await a.sign(admission);
    const t2 = await a.sign(other);
    expect(t2).not.toBe(t1);
    expect(await a.verify(t2, 'usr_b', 'sal_1', now)).toEqual(other);
    expect(await b.sign(admission)).toBe(t1);
  });
});
