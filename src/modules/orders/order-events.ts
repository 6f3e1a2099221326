import type { NewEvent } from '../../platform/bus/events.ts';

/** Events of an order after checkout (past tense or a status, like the rest of the log). */
export type OrderEventType =
  | 'order.accepted'
  | 'order.review'
  | 'order.captured'
  | 'order.packed'
  | 'order.shipped'
  | 'order.delivered'
  | 'order.cancelled'
  | 'order.lines_cancelled'
  | 'order.refunded';

/**
 * An order event keyed by the order. Every payload carries `buyerId`: the real-time gateway
 * pushes each order event carrying one to that buyer's `user` channel. Payloads hold ids and
 * facts only, never the fraud reasons (a buyer should not learn which rule to dodge).
 */
export function orderEvent(
  type: OrderEventType,
  order: { readonly id: string; readonly buyer_id: string },
  facts: Record<string, unknown> = {},
): NewEvent {
  return { type, key: order.id, payload: { orderId: order.id, buyerId: order.buyer_id, ...facts } };
}
