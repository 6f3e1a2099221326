/**
 * Order life cycle. Checkout creates `pending_payment`; the payment outcome moves it to `paid`
 * or `payment_failed` (stock returned); fulfilment moves a paid order on to `delivered`.
 * `cancelled` and `refunded` return stock or money. Pure: who may move what is decided here.
 */
export const ORDER_STATES = [
  'pending_payment',
  'paid',
  'payment_failed',
  'packed',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

const NEXT: Record<OrderState, readonly OrderState[]> = {
  pending_payment: ['paid', 'payment_failed', 'cancelled'],
  paid: ['packed', 'cancelled', 'refunded'],
  payment_failed: [],
  packed: ['shipped', 'cancelled', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
};

export function canMove(from: OrderState, to: OrderState): boolean {
  return NEXT[from].includes(to);
}

export const isFinal = (s: OrderState) => NEXT[s].length === 0;

/** States in which the goods are still in the warehouse, so a cancellation returns the stock. */
export const returnsStockOnCancel = (s: OrderState) =>
  s === 'pending_payment' || s === 'paid' || s === 'packed';
