import { planWaitlistOffers } from '../../domain/waitlist.ts';
import type { NewEvent } from '../../platform/bus/events.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql } from '../../platform/store/store.ts';
import { type ItemRow, lockItemRow } from './batch-sql.ts';

/** Units that leave a hold (expired, released, unpaid, cancelled) and go back on sale. */
export interface ReturnedUnits {
  readonly reservationId: string;
  readonly saleId: string;
  readonly saleItemId: string;
  readonly buyerId: string;
  readonly quantity: number;
}

export type ReturnReason = 'expired' | 'released' | 'payment_failed' | 'cancelled';

const EVENT_FOR: Record<ReturnReason, string> = {
  expired: 'reservation.expired',
  released: 'reservation.released',
  payment_failed: 'reservation.released',
  cancelled: 'reservation.released',
};

/**
 * Puts returned units back, inside the caller's transaction (which has already moved the
 * reservations out of `held`/`checked_out`). Per item, in id order (a fixed lock order): the
 * waitlist gets first call as fresh holds, the rest goes back to `remaining`, and every change
 * is recorded as an event carrying the item's new remaining and version.
 */
export async function returnStock(
  tx: Sql,
  returns: readonly ReturnedUnits[],
  opts: { reason: ReturnReason; now: number },
): Promise<void> {
  const byItem = new Map<string, ReturnedUnits[]>();
  for (const r of returns) {
    const units = byItem.get(r.saleItemId);
    if (units) units.push(r);
    else byItem.set(r.saleItemId, [r]);
  }
  const events: NewEvent[] = [];
  for (const itemId of [...byItem.keys()].sort()) {
    const units = byItem.get(itemId) as ReturnedUnits[];
    const item = await lockItemRow(tx, itemId);
    if (!item) continue;
    const total = units.reduce((n, u) => n + u.quantity, 0);
    const version = item.version + 1;
    const offered =
      item.active && item.ends_at.getTime() > opts.now
        ? await offerToWaitlist(tx, itemId, item, total, opts.now, version)
        : { events: [], toStock: total };
    const remaining = item.remaining + offered.toStock;
    await tx.query('update sale_items set remaining = $2, version = $3 where id = $1', [
      itemId,
      remaining,
      version,
    ]);
    for (const u of units) {
      events.push({
        type: EVENT_FOR[opts.reason],
        key: item.sale_id,
        payload: {
          reservationId: u.reservationId,
          saleId: item.sale_id,
          itemId,
          sku: item.sku,
          buyerId: u.buyerId,
          quantity: u.quantity,
          reason: opts.reason,
          remaining,
          itemVersion: version,
        },
      });
    }
    events.push(
      ...offered.events.map((e) => ({ ...e, payload: { ...e.payload, remaining, itemVersion: version } })),
    );
  }
  await appendEvents(tx, events);
}

async function offerToWaitlist(
  tx: Sql,
  itemId: string,
  item: ItemRow,
  units: number,
  now: number,
  version: number,
): Promise<{ events: NewEvent[]; toStock: number }> {
  const line = await tx.query<{ id: string; buyer_id: string; quantity: number }>(
    `select id, buyer_id, quantity from waitlist_entries
     where sale_item_id = $1 and state = 'waiting' order by seq limit $2 for update`,
    [itemId, Math.max(units, 1) * 4],
  );
  if (line.length === 0) return { events: [], toStock: units };
  const held = await tx.query<{ buyer_id: string; held: number }>(
    `select buyer_id, sum(quantity)::int as held from reservations
     where sale_item_id = $1 and buyer_id = any($2) and state in ('held', 'checked_out') group by buyer_id`,
    [itemId, line.map((l) => l.buyer_id)],
  );
  const plan = planWaitlistOffers(
    units,
    line.map((l) => ({ entryId: l.id, buyerId: l.buyer_id, quantity: l.quantity })),
    new Map(held.map((h) => [h.buyer_id, h.held])),
    item.per_buyer_limit,
  );
  const expiresAt = new Date(now + item.hold_seconds * 1000);
  const events: NewEvent[] = [];
  for (const offer of plan.offers) {
    const reservationId = newId('reservation');
    await tx.query(
      `insert into reservations (id, sale_id, sale_item_id, buyer_id, sku, quantity, price_cents, currency, state,
                                 source, expires_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'held', 'waitlist', $9, $10)`,
      [
        reservationId,
        item.sale_id,
        itemId,
        offer.buyerId,
        item.sku,
        offer.quantity,
        item.price_cents,
        item.currency,
        expiresAt,
        new Date(now),
      ],
    );
    await tx.query(`update waitlist_entries set state = 'offered', reservation_id = $2 where id = $1`, [
      offer.entryId,
      reservationId,
    ]);
    events.push({
      type: 'waitlist.offered',
      key: item.sale_id,
      payload: {
        entryId: offer.entryId,
        reservationId,
        saleId: item.sale_id,
        itemId,
        sku: item.sku,
        buyerId: offer.buyerId,
        quantity: offer.quantity,
        expiresAt: expiresAt.toISOString(),
        itemVersion: version,
      },
    });
  }
  if (plan.skipped.length > 0) {
    await tx.query(`update waitlist_entries set state = 'cancelled' where id = any($1)`, [plan.skipped]);
  }
  return { events, toStock: plan.toStock };
}
