/**
 * Fraud screening of a paid order: pure rules over facts the service gathers from the store
 * (counts in a time window, the amount, whether the account is new or a guest). No I/O here, so
 * every rule is a unit test and the same facts always give the same verdict.
 */
export const FRAUD_OUTCOMES = ['accept', 'review', 'reject'] as const;
export type FraudOutcome = (typeof FRAUD_OUTCOMES)[number];

/** Stable codes: stored with the check and shown to admins; clients may branch on them. */
export const FRAUD_REASONS = [
  'velocity_account',
  'velocity_ip',
  'velocity_card',
  'declines_account',
  'declines_card',
  'amount_high',
  'amount_very_high',
  'first_order_high_value',
  'guest_high_value',
] as const;
export type FraudReason = (typeof FRAUD_REASONS)[number];

/** What the rules look at. Counts cover the velocity window ending at the order, the order included. */
export interface FraudSignals {
  readonly totalCents: number;
  readonly guest: boolean;
  /** Orders of this account that went through (paid or later) before this one. */
  readonly priorPaidOrders: number;
  readonly ordersByAccount: number;
  /** null when the order has no client IP (placed by the system, not over HTTP). */
  readonly ordersByIp: number | null;
  /** null when the order has no payment fingerprint (a prize, an order paid by nobody). */
  readonly ordersByCard: number | null;
  /** Orders whose payment was declined in the window (card testing). */
  readonly declinesByAccount: number;
  readonly declinesByCard: number | null;
}

/**
 * Thresholds, with their units in their names. Amounts are minor units of the order's currency:
 * they suit currencies with cents (USD, EUR, GBP); per-currency thresholds are a later refinement.
 * Every rule fires on "more than" its threshold.
 */
export interface FraudRules {
  readonly velocityWindowMinutes: number;
  readonly maxOrdersPerAccount: number;
  /** Higher than per account: several buyers share an IP behind a NAT or a campus network. */
  readonly maxOrdersPerIp: number;
  readonly maxOrdersPerCard: number;
  readonly maxDeclinesPerAccount: number;
  readonly maxDeclinesPerCard: number;
  readonly reviewAboveCents: number;
  readonly rejectAboveCents: number;
  readonly firstOrderReviewAboveCents: number;
  readonly guestReviewAboveCents: number;
}

export const DEFAULT_FRAUD_RULES: FraudRules = Object.freeze({
  velocityWindowMinutes: 10,
  maxOrdersPerAccount: 5,
  maxOrdersPerIp: 10,
  maxOrdersPerCard: 5,
  maxDeclinesPerAccount: 2,
  maxDeclinesPerCard: 2,
  reviewAboveCents: 100_000,
  rejectAboveCents: 500_000,
  firstOrderReviewAboveCents: 50_000,
  guestReviewAboveCents: 25_000,
});

export interface FraudVerdict {
  readonly outcome: FraudOutcome;
  /** Every rule that fired, in the order of FRAUD_REASONS. */
  readonly reasons: FraudReason[];
}

interface Rule {
  readonly code: FraudReason;
  readonly outcome: Exclude<FraudOutcome, 'accept'>;
  fires(s: FraudSignals, r: FraudRules): boolean;
}

const above = (n: number | null, max: number) => n !== null && n > max;

const RULES: readonly Rule[] = [
  {
    code: 'velocity_account',
    outcome: 'review',
    fires: (s, r) => above(s.ordersByAccount, r.maxOrdersPerAccount),
  },
  { code: 'velocity_ip', outcome: 'review', fires: (s, r) => above(s.ordersByIp, r.maxOrdersPerIp) },
  { code: 'velocity_card', outcome: 'review', fires: (s, r) => above(s.ordersByCard, r.maxOrdersPerCard) },
  // Declines followed by a success are the signature of card testing: refuse outright.
  {
    code: 'declines_account',
    outcome: 'reject',
    fires: (s, r) => above(s.declinesByAccount, r.maxDeclinesPerAccount),
  },
  {
    code: 'declines_card',
    outcome: 'reject',
    fires: (s, r) => above(s.declinesByCard, r.maxDeclinesPerCard),
  },
  {
    code: 'amount_high',
    outcome: 'review',
    fires: (s, r) => s.totalCents > r.reviewAboveCents && s.totalCents <= r.rejectAboveCents,
  },
  { code: 'amount_very_high', outcome: 'reject', fires: (s, r) => s.totalCents > r.rejectAboveCents },
  {
    code: 'first_order_high_value',
    outcome: 'review',
    fires: (s, r) => s.priorPaidOrders === 0 && s.totalCents > r.firstOrderReviewAboveCents,
  },
  {
    code: 'guest_high_value',
    outcome: 'review',
    fires: (s, r) => s.guest && s.totalCents > r.guestReviewAboveCents,
  },
];

/** The worst outcome of the rules that fire: reject beats review beats accept. */
export function screenOrder(s: FraudSignals, rules: FraudRules = DEFAULT_FRAUD_RULES): FraudVerdict {
  // Nothing was paid (a giveaway prize): there is no money to lose, whatever the pattern.
  if (s.totalCents === 0) return { outcome: 'accept', reasons: [] };
  const fired = RULES.filter((rule) => rule.fires(s, rules));
  const outcome: FraudOutcome = fired.some((f) => f.outcome === 'reject')
    ? 'reject'
    : fired.length > 0
      ? 'review'
      : 'accept';
  return { outcome, reasons: fired.map((f) => f.code) };
}
