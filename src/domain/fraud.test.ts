import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAUD_RULES, type FraudRules, type FraudSignals, screenOrder } from './fraud.ts';

/** A returning customer's ordinary order: no rule fires. */
const CLEAN: FraudSignals = {
  totalCents: 5_000,
  guest: false,
  priorPaidOrders: 3,
  ordersByAccount: 1,
  ordersByIp: 1,
  ordersByCard: 1,
  declinesByAccount: 0,
  declinesByCard: 0,
};
const R = DEFAULT_FRAUD_RULES;

describe('fraud rules', () => {
  it('fraud - an ordinary order is accepted with no reasons', () => {
    expect(screenOrder(CLEAN)).toEqual({ outcome: 'accept', reasons: [] });
  });

  it('fraud - velocity per account, IP and card goes to review above the limit, not at it', () => {
    expect(screenOrder({ ...CLEAN, ordersByAccount: R.maxOrdersPerAccount }).outcome).toBe('accept');
    expect(screenOrder({ ...CLEAN, ordersByAccount: R.maxOrdersPerAccount + 1 })).toEqual({
      outcome: 'review',
      reasons: ['velocity_account'],
    });
    expect(screenOrder({ ...CLEAN, ordersByIp: R.maxOrdersPerIp + 1 }).reasons).toEqual(['velocity_ip']);
    expect(screenOrder({ ...CLEAN, ordersByCard: R.maxOrdersPerCard + 1 }).reasons).toEqual([
      'velocity_card',
    ]);
  });

  it('fraud - an unknown IP or card fires no rule about it', () => {
    const v = screenOrder({ ...CLEAN, ordersByIp: null, ordersByCard: null, declinesByCard: null });
    expect(v).toEqual({ outcome: 'accept', reasons: [] });
  });

  it('fraud - repeated declines before a success are rejected (card testing)', () => {
    expect(screenOrder({ ...CLEAN, declinesByAccount: R.maxDeclinesPerAccount + 1 })).toEqual({
      outcome: 'reject',
      reasons: ['declines_account'],
    });
    expect(screenOrder({ ...CLEAN, declinesByCard: R.maxDeclinesPerCard + 1 }).reasons).toEqual([
      'declines_card',
    ]);
  });

  it('fraud - a high amount goes to review, a very high one is rejected', () => {
    expect(screenOrder({ ...CLEAN, totalCents: R.reviewAboveCents }).outcome).toBe('accept');
    expect(screenOrder({ ...CLEAN, totalCents: R.reviewAboveCents + 1 })).toEqual({
      outcome: 'review',
      reasons: ['amount_high'],
    });
    expect(screenOrder({ ...CLEAN, totalCents: R.rejectAboveCents })).toEqual({
      outcome: 'review',
      reasons: ['amount_high'],
    });
    expect(screenOrder({ ...CLEAN, totalCents: R.rejectAboveCents + 1 })).toEqual({
      outcome: 'reject',
      reasons: ['amount_very_high'],
    });
  });

  it("fraud - an account's first order of high value goes to review; a returning buyer's does not", () => {
    const big = R.firstOrderReviewAboveCents + 1;
    expect(screenOrder({ ...CLEAN, totalCents: big, priorPaidOrders: 0 })).toEqual({
      outcome: 'review',
      reasons: ['first_order_high_value'],
    });
    expect(screenOrder({ ...CLEAN, totalCents: big, priorPaidOrders: 1 }).outcome).toBe('accept');
  });

  it('fraud - a guest with a high value order goes to review', () => {
    const v = screenOrder({ ...CLEAN, guest: true, totalCents: R.guestReviewAboveCents + 1 });
    expect(v).toEqual({ outcome: 'review', reasons: ['guest_high_value'] });
    expect(screenOrder({ ...CLEAN, guest: true }).outcome).toBe('accept');
  });

  it('fraud - reject beats review and every reason that fired is listed', () => {
    const v = screenOrder({
      ...CLEAN,
      guest: true,
      priorPaidOrders: 0,
      totalCents: R.rejectAboveCents + 1,
      ordersByAccount: 9,
    });
    expect(v).toEqual({
      outcome: 'reject',
      reasons: ['velocity_account', 'amount_very_high', 'first_order_high_value', 'guest_high_value'],
    });
  });

  it('fraud - a zero-value order (a prize) is accepted whatever its pattern', () => {
    expect(screenOrder({ ...CLEAN, totalCents: 0, ordersByAccount: 50, declinesByAccount: 9 })).toEqual({
      outcome: 'accept',
      reasons: [],
    });
  });

  it('fraud - thresholds come from the rules object passed in', () => {
    const strict: FraudRules = { ...R, maxOrdersPerAccount: 0, reviewAboveCents: 1_000 };
    expect(screenOrder(CLEAN, strict)).toEqual({
      outcome: 'review',
      reasons: ['velocity_account', 'amount_high'],
    });
  });
});
