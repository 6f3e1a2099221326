import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { markProcessed } from '../../platform/bus/consumer-def.ts';
import type { EventRecord } from '../../platform/bus/events.ts';
import type { Sql, Store } from '../../platform/store/store.ts';

export const SALE_STATS_CONSUMER = 'sale-stats';

export interface SaleStats {
  readonly saleId: string;
  readonly claims: number;
  readonly unitsClaimed: number;
  readonly unitsReturned: number;
  readonly ordersPaid: number;
  readonly unitsSold: number;
  readonly revenueCents: number;
  /** Claims per minute over the last minutes, oldest first. */
  readonly claimsPerMinute: Array<{ minute: string; claims: number; units: number }>;
}

interface Line {
  saleId: string;
  quantity: number;
  priceCents: number;
}

/**
 * Read model: per-sale numbers for the host (claims per minute, units sold, revenue), built
 * only from the event log, so it can be rebuilt at any time by replaying.
 */
export function saleStatsConsumer(store: Store): ConsumerDefinition {
  const apply = async (tx: Sql, e: EventRecord) => {
    const p = e.payload;
    switch (e.type) {
      case 'reservation.created': {
        const saleId = String(p['saleId']);
        const units = Number(p['quantity']);
        await tx.query(
          `insert into sale_stats (sale_id, claims, units_claimed) values ($1, 1, $2)
           on conflict (sale_id) do update set claims = sale_stats.claims + 1,
             units_claimed = sale_stats.units_claimed + $2, updated_at = now()`,
          [saleId, units],
        );
        await tx.query(
          `insert into sale_stats_minutes (sale_id, minute, claims, units) values ($1, date_trunc('minute', $2::timestamptz), 1, $3)
           on conflict (sale_id, minute) do update set claims = sale_stats_minutes.claims + 1,
             units = sale_stats_minutes.units + $3`,
          [saleId, e.createdAt, units],
        );
        return;
      }
      case 'reservation.expired':
      case 'reservation.released':
        await tx.query(
          `insert into sale_stats (sale_id, units_returned) values ($1, $2)
           on conflict (sale_id) do update set units_returned = sale_stats.units_returned + $2, updated_at = now()`,
          [String(p['saleId']), Number(p['quantity'])],
        );
        return;
      case 'order.placed': {
        const bySale = new Map<string, { units: number; cents: number }>();
        for (const l of (p['lines'] as Line[] | undefined) ?? []) {
          const s = bySale.get(l.saleId) ?? { units: 0, cents: 0 };
          bySale.set(l.saleId, { units: s.units + l.quantity, cents: s.cents + l.quantity * l.priceCents });
        }
        for (const [saleId, s] of bySale) {
          await tx.query(
            `insert into sale_stats_orders (order_id, sale_id, units, cents) values ($1, $2, $3, $4) on conflict do nothing`,
            [String(p['orderId']), saleId, s.units, s.cents],
          );
        }
        return;
      }
      case 'order.paid':
        await tx.query(
          `insert into sale_stats (sale_id, orders_paid, units_sold, revenue_cents)
           select sale_id, 1, units, cents from sale_stats_orders where order_id = $1
           on conflict (sale_id) do update set orders_paid = sale_stats.orders_paid + 1,
             units_sold = sale_stats.units_sold + excluded.units_sold,
             revenue_cents = sale_stats.revenue_cents + excluded.revenue_cents, updated_at = now()`,
          [String(p['orderId'])],
        );
        return;
    }
  };
  return {
    name: SALE_STATS_CONSUMER,
    types: [
      'reservation.created',
      'reservation.expired',
      'reservation.released',
      'order.placed',
      'order.paid',
    ],
    async handle(event) {
      await store.transaction(async (tx) => {
        if (await markProcessed(tx, SALE_STATS_CONSUMER, event.id)) await apply(tx, event);
      });
    },
    async reset() {
      await store.transaction(async (tx) => {
        await tx.query('delete from sale_stats');
        await tx.query('delete from sale_stats_minutes');
        await tx.query('delete from sale_stats_orders');
        await tx.query('delete from processed_events where consumer = $1', [SALE_STATS_CONSUMER]);
      });
    },
  };
}

export async function readSaleStats(sql: Sql, saleId: string, minutes = 15): Promise<SaleStats> {
  const [row] = await sql.query<{
    claims: number;
    units_claimed: number;
    units_returned: number;
    orders_paid: number;
    units_sold: number;
    revenue_cents: number;
  }>('select * from sale_stats where sale_id = $1', [saleId]);
  const perMinute = await sql.query<{ minute: Date; claims: number; units: number }>(
    `select minute, claims, units from sale_stats_minutes where sale_id = $1 order by minute desc limit $2`,
    [saleId, minutes],
  );
  return {
    saleId,
    claims: row?.claims ?? 0,
    unitsClaimed: row?.units_claimed ?? 0,
    unitsReturned: row?.units_returned ?? 0,
    ordersPaid: row?.orders_paid ?? 0,
    unitsSold: row?.units_sold ?? 0,
    revenueCents: row?.revenue_cents ?? 0,
    claimsPerMinute: perMinute
      .reverse()
      .map((m) => ({ minute: m.minute.toISOString(), claims: m.claims, units: m.units })),
  };
}
