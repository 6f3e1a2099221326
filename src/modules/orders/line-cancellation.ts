import { returnsStockOnCancel } from '../../domain/order-state.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import { AppError } from '../../platform/errors.ts';
import type { Sql } from '../../platform/store/store.ts';
import { returnOrderStock } from '../claims/index.ts';
import type { LockedOrder } from './locked-order.ts';
import { orderEvent } from './order-events.ts';

interface SellerLine {
  line_no: number;
  reservation_id: string | null;
  quantity: number;
  price_cents: number;
  mine: boolean;
}

/**
 * A seller cancels their own lines of a multi-seller order, inside the order's lock: the lines
 * are marked, their units go back on sale, the order's total drops by their amount, and
 * `order.lines_cancelled` tells the payments worker to give that amount back (a refund when
 * captured; while only authorised, the capture later takes the reduced total). Returns 'whole'
 * when no other seller's line is left: the caller then cancels the order itself.
 */
export async function cancelSellerLines(
  tx: Sql,
  o: { order: LockedOrder; sellerId: string; now: number },
): Promise<'lines' | 'whole'> {
  const { order, now } = o;
  const lines = await tx.query<SellerLine>(
    `select l.line_no, l.reservation_id, l.quantity, l.price_cents, (s.host_id = $2) as mine
     from order_lines l join sale_items i on i.id = l.sale_item_id join sales s on s.id = i.sale_id
     where l.order_id = $1 and l.cancelled_at is null order by l.line_no`,
    [order.id, o.sellerId],
  );
  const mine = lines.filter((l) => l.mine);
  if (mine.length === 0)
    throw new AppError('order_not_cancellable', 'None of your lines of this order is left to cancel', {
      extra: { state: order.state },
    });
  if (mine.length === lines.length) return 'whole';
  const amountCents = mine.reduce((n, l) => n + l.quantity * l.price_cents, 0);
  await tx.query(
    'update order_lines set cancelled_at = $3 where order_id = $1 and line_no = any($2::int[])',
    [order.id, mine.map((l) => l.line_no), new Date(now)],
  );
  await tx.query('update orders set total_cents = total_cents - $2, updated_at = $3 where id = $1', [
    order.id,
    amountCents,
    new Date(now),
  ]);
  const reservationIds = mine.flatMap((l) => (l.reservation_id ? [l.reservation_id] : []));
  const unitsReturned = returnsStockOnCancel(order.state)
    ? await returnOrderStock(tx, {
        orderId: order.id,
        buyerId: order.buyer_id,
        reason: 'cancelled',
        now,
        reservationIds,
      })
    : 0;
  await appendEvents(tx, [
    orderEvent('order.lines_cancelled', order, {
      lines: mine.map((l) => l.line_no),
      amountCents,
      currency: order.currency,
      cancelledBy: 'host',
      sellerId: o.sellerId,
      unitsReturned,
    }),
  ]);
  return 'lines';
}
