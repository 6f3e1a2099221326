import { describe, expect, it } from 'vitest';
import { stepUp } from './policy.ts';
import { needsStepUp, proofHolds, STEP_UP_TTL_SECONDS } from './step-up.ts';

const T = 100_000;

describe('step-up rules', () => {
  it('step-up - role changes and refunds always need one', () => {
    expect(needsStepUp({ action: 'change_role', orderThresholdCents: T })).toBe(true);
    expect(needsStepUp({ action: 'refund', orderThresholdCents: T })).toBe(true);
  });

  it('step-up - a checkout needs one from the threshold on, not below', () => {
    expect(needsStepUp({ action: 'checkout', amountCents: T - 1, orderThresholdCents: T })).toBe(false);
    expect(needsStepUp({ action: 'checkout', amountCents: T, orderThresholdCents: T })).toBe(true);
    expect(needsStepUp({ action: 'checkout', amountCents: 5 * T, orderThresholdCents: T })).toBe(true);
  });

  it('step-up - a checkout of nothing held (a replay) needs none, even with a zero threshold', () => {
    expect(needsStepUp({ action: 'checkout', amountCents: 0, orderThresholdCents: 0 })).toBe(false);
    expect(needsStepUp({ action: 'checkout', amountCents: 1, orderThresholdCents: 0 })).toBe(true);
  });

  it('step-up - a second factor is added freely, a further one only with the first', () => {
    expect(needsStepUp({ action: 'add_factor', hasFactor: false, orderThresholdCents: T })).toBe(false);
    expect(needsStepUp({ action: 'add_factor', hasFactor: true, orderThresholdCents: T })).toBe(true);
  });

  it('step-up - a proof holds for its own user for five minutes', () => {
    const at = 1_000_000;
    const proof = { userId: 'usr_a', authTimeMs: at };
    expect(proofHolds(proof, 'usr_a', at)).toBe(true);
    expect(proofHolds(proof, 'usr_a', at + STEP_UP_TTL_SECONDS * 1000 - 1)).toBe(true);
    expect(proofHolds(proof, 'usr_a', at + STEP_UP_TTL_SECONDS * 1000)).toBe(false);
    expect(proofHolds(proof, 'usr_b', at)).toBe(false);
    expect(proofHolds(undefined, 'usr_a', at)).toBe(false);
  });

  it('step-up - a proof from the future does not hold', () => {
    expect(proofHolds({ userId: 'usr_a', authTimeMs: 2_000 }, 'usr_a', 1_000)).toBe(false);
  });
});

describe('step-up policy', () => {
  const admin = { id: 'usr_admin', role: 'admin' as const };
  const guest = { id: 'usr_guest', role: 'buyer' as const, guest: true };
  const extra = (d: ReturnType<typeof stepUp>) => (d.ok ? 'ok' : { code: d.code, ...d.extra });

  it('policy - no need, or a proof that holds, lets the call through', () => {
    expect(stepUp(admin, { needed: false, proven: false, hasFactor: false }).ok).toBe(true);
    expect(stepUp(admin, { needed: true, proven: true, hasFactor: true }).ok).toBe(true);
  });

  it('policy - without a proof the answer is step_up_required; enrol first without a factor', () => {
    expect(extra(stepUp(admin, { needed: true, proven: false, hasFactor: true }))).toEqual({
      code: 'step_up_required',
      enrol: false,
    });
    expect(extra(stepUp(admin, { needed: true, proven: false, hasFactor: false }))).toEqual({
      code: 'step_up_required',
      enrol: true,
    });
  });

  it('policy - a guest is told to register before a large order', () => {
    expect(extra(stepUp(guest, { needed: true, proven: false, hasFactor: false }))).toEqual({
      code: 'step_up_required',
      enrol: true,
      register: true,
    });
  });
});
