import {
  type ConsumerDefinition,
  forgetProcessed,
  markProcessedBatch,
} from '../../platform/bus/consumer-def.ts';
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

interface Delta {
  claims: number;
  unitsClaimed: number;
  unitsReturned: number;
}

const minuteOf = (iso: string) => `${iso.slice(0, 16)}:00.000Z`;

/**
 * Applies a batch of events in one transaction: the processed-event markers (so a redelivered
 * event has no second effect) and the summed changes, a few statements whatever the batch size.
 */
async function applyBatch(tx: Sql, events: readonly EventRecord[]): Promise<void> {
  const fresh = await markProcessedBatch(tx, SALE_STATS_CONSUMER, events);
  const perSale = new Map<string, Delta>();
  const perMinute = new Map<string, { saleId: string; minute: string; claims: number; units: number }>();
  const orderLines: Array<{ orderId: string; saleId: string; units: number; cents: number }> = [];
  const paid: string[] = [];
  const delta = (saleId: string) => {
    let d = perSale.get(saleId);
    if (!d) {
      d = { claims: 0, unitsClaimed: 0, unitsReturned: 0 };
      perSale.set(saleId, d);
    }
    return d;
  };
  for (const e of fresh) {
    const p = e.payload;
    switch (e.type) {
      case 'sale.claimed': {
        const saleId = String(p['saleId']);
        const reservations = (p['reservations'] as Array<{ quantity: number }> | undefined) ?? [];
        const units = reservations.reduce((n, r) => n + r.quantity, 0);
        const d = delta(saleId);
        d.claims += reservations.length;
        d.unitsClaimed += units;
        const key = `${saleId}|${minuteOf(e.createdAt)}`;
        const m = perMinute.get(key) ?? { saleId, minute: minuteOf(e.createdAt), claims: 0, units: 0 };
        m.claims += reservations.length;
        m.units += units;
        perMinute.set(key, m);
        break;
      }
      case 'reservation.expired':
      case 'reservation.released':
        delta(String(p['saleId'])).unitsReturned += Number(p['quantity']);
        break;
      case 'order.placed': {
        const bySale = new Map<string, { units: number; cents: number }>();
        for (const l of (p['lines'] as Line[] | undefined) ?? []) {
          const s = bySale.get(l.saleId) ?? { units: 0, cents: 0 };
          bySale.set(l.saleId, { units: s.units + l.quantity, cents: s.cents + l.quantity * l.priceCents });
        }
        for (const [saleId, s] of bySale) orderLines.push({ orderId: String(p['orderId']), saleId, ...s });
        break;
      }
      case 'order.paid':
        paid.push(String(p['orderId']));
        break;
    }
  }
  if (perSale.size > 0) {
    const rows = [...perSale.entries()];
    await tx.query(
      `insert into sale_stats (sale_id, claims, units_claimed, units_returned)
       select * from unnest($1::text[], $2::int[], $3::int[], $4::int[])
       on conflict (sale_id) do update set claims = sale_stats.claims + excluded.claims,
         units_claimed = sale_stats.units_claimed + excluded.units_claimed,
         units_returned = sale_stats.units_returned + excluded.units_returned, updated_at = now()`,
      [
        rows.map(([s]) => s),
        rows.map(([, d]) => d.claims),
        rows.map(([, d]) => d.unitsClaimed),
        rows.map(([, d]) => d.unitsReturned),
      ],
    );
  }
  if (perMinute.size > 0) {
    const rows = [...perMinute.values()];
    await tx.query(
      `insert into sale_stats_minutes (sale_id, minute, claims, units)
       select * from unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[])
       on conflict (sale_id, minute) do update set claims = sale_stats_minutes.claims + excluded.claims,
         units = sale_stats_minutes.units + excluded.units`,
      [
        rows.map((r) => r.saleId),
        rows.map((r) => r.minute),
        rows.map((r) => r.claims),
        rows.map((r) => r.units),
      ],
    );
  }
  if (orderLines.length > 0) {
    await tx.query(
      `insert into sale_stats_orders (order_id, sale_id, units, cents)
       select * from unnest($1::text[], $2::text[], $3::int[], $4::int8[]) on conflict do nothing`,
      [
        orderLines.map((l) => l.orderId),
        orderLines.map((l) => l.saleId),
        orderLines.map((l) => l.units),
        orderLines.map((l) => l.cents),
      ],
    );
  }
  if (paid.length > 0) {
    await tx.query(
      `insert into sale_stats (sale_id, orders_paid, units_sold, revenue_cents)
       select sale_id, count(*), sum(units), sum(cents) from sale_stats_orders where order_id = any($1) group by sale_id
       on conflict (sale_id) do update set orders_paid = sale_stats.orders_paid + excluded.orders_paid,
         units_sold = sale_stats.units_sold + excluded.units_sold,
         revenue_cents = sale_stats.revenue_cents + excluded.revenue_cents, updated_at = now()`,
      [paid],
    );
  }
}

/**
 * Read model: per-sale numbers for the host (claims per minute, units sold, revenue), built
 * only from the event log, so it can be rebuilt at any time by replaying.
 */
export function saleStatsConsumer(store: Store): ConsumerDefinition {
  return {
    name: SALE_STATS_CONSUMER,
    types: ['sale.claimed', 'reservation.expired', 'reservation.released', 'order.placed', 'order.paid'],
    handle: (event) => store.transaction((tx) => applyBatch(tx, [event])),
    batch: (events) => store.transaction((tx) => applyBatch(tx, events)),
    async reset(tx) {
      await tx.query('delete from sale_stats');
      await tx.query('delete from sale_stats_minutes');
      await tx.query('delete from sale_stats_orders');
      await forgetProcessed(tx, SALE_STATS_CONSUMER);
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
