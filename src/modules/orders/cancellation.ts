import { returnsStockOnCancel } from '../../domain/order-state.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Sql } from '../../platform/store/store.ts';
import { returnOrderStock } from '../claims/index.ts';
import { type LockedOrder, moveOrder } from './locked-order.ts';
import { orderEvent } from './order-events.ts';

export type CancelledBy = 'buyer' | 'host' | 'admin' | 'fraud';

/**
 * Cancels a locked order in the caller's transaction: the move, the stock (back on sale while
 * the goods are still in the warehouse) and `order.cancelled`. The money is given back by the
 * `payments` consumer on that event (void if only authorised, refund if captured), so a slow or
 * failing provider is retried there and never holds this transaction open.
 */
export async function cancelOrder(
  tx: Sql,
  o: { order: LockedOrder; reason: string; by: CancelledBy; now: number },
): Promise<void> {
  const { order, now } = o;
  const moved = await moveOrder(tx, order.id, order.state, 'cancelled', now);
  if (!moved) throw new Error(`order ${order.id} moved while locked`);
  const unitsReturned = returnsStockOnCancel(order.state)
    ? await returnOrderStock(tx, { orderId: order.id, buyerId: order.buyer_id, reason: 'cancelled', now })
    : 0;
  await appendEvents(tx, [
    orderEvent('order.cancelled', order, { reason: o.reason, cancelledBy: o.by, unitsReturned }),
  ]);
}

/**
 * Refunds a locked, captured order in the caller's transaction: the move, the stock while the
 * goods have not shipped, and `order.refunded` (the `payments` consumer gives the money back).
 * Returns the units put back on sale.
 */
export async function refundOrder(
  tx: Sql,
  o: { order: LockedOrder; reason: string; now: number },
): Promise<number> {
  const { order, now } = o;
  await moveOrder(tx, order.id, order.state, 'refunded', now);
  const unitsReturned = returnsStockOnCancel(order.state)
    ? await returnOrderStock(tx, { orderId: order.id, buyerId: order.buyer_id, reason: 'cancelled', now })
    : 0;
  await appendEvents(tx, [
    orderEvent('order.refunded', order, {
      amountCents: order.total_cents,
      currency: order.currency,
      reason: o.reason,
      unitsReturned,
    }),
  ]);
  return unitsReturned;
}
