import type { Sql } from '../../platform/store/store.ts';
import { returnStock } from './stock-return.ts';

/**
 * The holds an order is made of: checkout turns them into the order's (`checked_out`); a failed
 * payment, a cancellation or a refund lets them go. The orders module asks here; the claims
 * module owns reservations and stock.
 */

/** Checkout: these holds now belong to the order, in the caller's transaction. */
export async function checkOutHolds(
  tx: Sql,
  reservationIds: readonly string[],
  orderId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `update reservations set state = 'checked_out', order_id = $2, updated_at = $3 where id = any($1)`,
    [reservationIds, orderId, at],
  );
}

/**
 * Puts an order's units back on sale (its waitlist first), inside the caller's transaction: the
 * order's checked-out holds become `released`. Returns the number of units returned (0 when the
 * order held none: an auction, a prize, or stock already returned).
 */
export async function returnOrderStock(
  tx: Sql,
  o: {
    orderId: string;
    buyerId: string;
    reason: 'payment_failed' | 'cancelled';
    now: number;
    /** Only these holds (the lines a seller cancelled); all of the order's otherwise. */
    reservationIds?: readonly string[];
  },
): Promise<number> {
  const held = await tx.query<{ id: string; sale_id: string; sale_item_id: string; quantity: number }>(
    `update reservations set state = 'released', updated_at = $2
     where order_id = $1 and state = 'checked_out' and ($3::text[] is null or id = any($3::text[]))
     returning id, sale_id, sale_item_id, quantity`,
    [o.orderId, new Date(o.now), o.reservationIds ?? null],
  );
  await returnStock(
    tx,
    held.map((r) => ({
      reservationId: r.id,
      saleId: r.sale_id,
      saleItemId: r.sale_item_id,
      buyerId: o.buyerId,
      quantity: r.quantity,
    })),
    { reason: o.reason, now: o.now },
  );
  return held.reduce((n, r) => n + r.quantity, 0);
}
