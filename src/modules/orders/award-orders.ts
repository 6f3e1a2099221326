import { appendEvents } from '../../platform/bus/events.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql } from '../../platform/store/store.ts';

/**
 * An order that is awarded rather than checked out: an auction's winner (or runner-up) gets one
 * waiting for payment at their bid (paid with POST /api/orders/:id/pay); a giveaway's winner gets
 * one at price 0, already paid, and adds a shipping address.
 */
export type Award =
  | {
      readonly source: 'auction';
      readonly buyerId: string;
      readonly sku: string;
      readonly title: string;
      readonly priceCents: number;
      readonly currency: string;
    }
  | { readonly source: 'giveaway'; readonly buyerId: string; readonly sku: string; readonly title: string };

/**
 * Creates the awarded order in the caller's transaction (so it commits with the auction's or
 * giveaway's result, or not at all), with `order.placed` (and `order.paid` for a prize).
 * Returns its id.
 */
export async function createAwardOrder(tx: Sql, award: Award, now: number): Promise<string> {
  return award.source === 'auction' ? auctionOrder(tx, award, now) : prizeOrder(tx, award, now);
}

async function auctionOrder(tx: Sql, a: Extract<Award, { source: 'auction' }>, now: number): Promise<string> {
  const orderId = newId('order');
  const { buyerId, priceCents: cents, currency } = a;
  await tx.query(
    `insert into orders (id, buyer_id, state, source, total_cents, currency, created_at, updated_at)
       values ($1, $2, 'pending_payment', 'auction', $3, $4, $5, $5)`,
    [orderId, buyerId, cents, currency, new Date(now)],
  );
  await tx.query(
    `insert into order_lines (order_id, line_no, sku, title, quantity, price_cents) values ($1, 1, $2, $3, 1, $4)`,
    [orderId, a.sku, a.title, cents],
  );
  await appendEvents(tx, [
    {
      type: 'order.placed',
      key: orderId,
      payload: { orderId, buyerId, totalCents: cents, currency, source: 'auction', lines: [] },
    },
  ]);
  return orderId;
}

async function prizeOrder(tx: Sql, g: Extract<Award, { source: 'giveaway' }>, now: number): Promise<string> {
  const orderId = newId('order');
  const winnerId = g.buyerId;
  const payment = { provider: 'none', method: 'card', status: 'captured', label: 'Giveaway prize' };
  await tx.query(
    `insert into orders (id, buyer_id, state, source, total_cents, currency, payment, created_at, updated_at)
       values ($1, $2, 'paid', 'giveaway', 0, 'USD', $3::jsonb, $4, $4)`,
    [orderId, winnerId, JSON.stringify(payment), new Date(now)],
  );
  await tx.query(
    `insert into order_lines (order_id, line_no, sku, title, quantity, price_cents) values ($1, 1, $2, $3, 1, 0)`,
    [orderId, g.sku, g.title],
  );
  await appendEvents(tx, [
    {
      type: 'order.placed',
      key: orderId,
      payload: {
        orderId,
        buyerId: winnerId,
        totalCents: 0,
        currency: 'USD',
        source: 'giveaway',
        lines: [],
      },
    },
    {
      type: 'order.paid',
      key: orderId,
      payload: { orderId, buyerId: winnerId, totalCents: 0, currency: 'USD', source: 'giveaway' },
    },
  ]);
  return orderId;
}
