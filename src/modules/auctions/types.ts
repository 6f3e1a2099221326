export interface AuctionView {
  readonly id: string;
  readonly showId: string;
  readonly sku: string;
  readonly title: string;
  readonly currency: string;
  readonly startCents: number;
  readonly incrementCents: number;
  /** Whether a reserve exists and is met (its amount stays the host's secret). */
  readonly reserve: { readonly set: boolean; readonly met: boolean };
  readonly suddenDeath: boolean;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: 'running' | 'sold' | 'no_bids' | 'reserve_not_met' | 'cancelled' | 'unpaid';
  readonly highCents: number | null;
  readonly highBidderId: string | null;
  readonly bidCount: number;
  readonly nextMinimumCents: number;
  readonly winnerId: string | null;
  readonly orderId: string | null;
  readonly serverTime: string;
}

export interface AuctionRow {
  id: string;
  show_id: string;
  sku: string;
  title: string;
  currency: string;
  start_cents: number;
  increment_cents: number;
  reserve_cents: number | null;
  duration_seconds: number;
  sudden_death: boolean;
  extend_window_seconds: number;
  starts_at: Date;
  ends_at: Date;
  status: AuctionView['status'];
  high_bid_id: string | null;
  high_bidder_id: string | null;
  high_cents: number | null;
  bid_count: number;
  winner_id: string | null;
  order_id: string | null;
  offered_to: string[];
  version: number;
}

export interface NewAuction {
  sku: string;
  startCents: number;
  incrementCents: number;
  durationSeconds: number;
  suddenDeath: boolean;
  reserveCents?: number;
  extendWindowSeconds?: number;
}
