/** A sale's status follows from the clock and its stock; it is never stored. */
export const SALE_STATUSES = ['scheduled', 'live', 'sold_out', 'ended'] as const;
export type SaleStatus = (typeof SALE_STATUSES)[number];

export interface SaleTiming {
  readonly startsAt: number;
  readonly endsAt: number;
}

export function saleStatus(sale: SaleTiming, remainingTotal: number, now: number): SaleStatus {
  if (now < sale.startsAt) return 'scheduled';
  if (now >= sale.endsAt) return 'ended';
  return remainingTotal > 0 ? 'live' : 'sold_out';
}

/** Why a claim at `now` is refused by the sale's window, if it is. */
export function windowRefusal(sale: SaleTiming, now: number): 'not_started' | 'ended' | undefined {
  if (now < sale.startsAt) return 'not_started';
  if (now >= sale.endsAt) return 'ended';
  return undefined;
}
