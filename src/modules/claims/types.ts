export const RESERVATION_STATES = ['held', 'released', 'expired', 'checked_out'] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];

export interface Reservation {
  readonly id: string;
  readonly saleId: string;
  readonly saleItemId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly priceCents: number;
  readonly currency: string;
  readonly state: ReservationState;
  readonly source: string;
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly orderId: string | null;
}

export interface ReservationRow {
  id: string;
  sale_id: string;
  sale_item_id: string;
  buyer_id: string;
  sku: string;
  quantity: number;
  price_cents: number;
  currency: string;
  state: ReservationState;
  source: string;
  expires_at: Date;
  created_at: Date;
  order_id: string | null;
}

export const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  saleId: r.sale_id,
  saleItemId: r.sale_item_id,
  sku: r.sku,
  quantity: r.quantity,
  priceCents: r.price_cents,
  currency: r.currency,
  state: r.state,
  source: r.source,
  expiresAt: r.expires_at.toISOString(),
  createdAt: r.created_at.toISOString(),
  orderId: r.order_id,
});

export const RESERVATION_COLUMNS =
  'id, sale_id, sale_item_id, buyer_id, sku, quantity, price_cents, currency, state, source, expires_at, created_at, order_id';
