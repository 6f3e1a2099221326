import { combine, type Heat, SIGNAL_WEIGHTS, warm } from '../../domain/trending.ts';
import {
  type ConsumerDefinition,
  forgetProcessed,
  markProcessedBatch,
} from '../../platform/bus/consumer-def.ts';
import type { EventRecord } from '../../platform/bus/events.ts';
import type { Sql, Store } from '../../platform/store/store.ts';

export const TRENDING_CONSUMER = 'trending';
export const TRENDING_KINDS = ['sale', 'show', 'tag'] as const;
export type TrendingKind = (typeof TRENDING_KINDS)[number];

/** What an event warms: a sale (or the show it belongs to) and its hashtags, or a show. */
interface Signal {
  readonly saleId?: string;
  readonly showId?: string;
  readonly amount: number;
  readonly at: number;
}

function signalOf(e: EventRecord): Signal | undefined {
  const p = e.payload;
  const at = Date.parse(e.createdAt);
  switch (e.type) {
    case 'sale.claimed': {
      const units = ((p['reservations'] as Array<{ quantity: number }> | undefined) ?? []).reduce(
        (n, r) => n + r.quantity,
        0,
      );
      return { saleId: String(p['saleId']), amount: units * SIGNAL_WEIGHTS.unitClaimed, at };
    }
    case 'waitlist.joined':
      return { saleId: String(p['saleId']), amount: Number(p['quantity']) * SIGNAL_WEIGHTS.waitlistUnit, at };
    case 'auction.bid':
      // One event per batch of bids accepted together (older events without the count: one).
      return { showId: String(p['showId']), amount: Number(p['accepted'] ?? 1) * SIGNAL_WEIGHTS.bid, at };
    default:
      return undefined;
  }
}

/**
 * Applies a batch: the processed-event markers (a redelivered event adds nothing), then each
 * thing's heat read under its row lock, combined with the batch's (pure, order-free) and written.
 */
async function applyBatch(tx: Sql, events: readonly EventRecord[]): Promise<void> {
  const fresh = await markProcessedBatch(tx, TRENDING_CONSUMER, events);
  const signals = fresh.flatMap((e) => signalOf(e) ?? []);
  if (signals.length === 0) return;
  // A show's claims are on its own sale: they warm the show. Hashtags come from the sale.
  const saleIds = [...new Set(signals.flatMap((s) => s.saleId ?? []))];
  const sales = new Map(
    (
      await tx.query<{ id: string; kind: string; hashtags: string[]; show_id: string | null }>(
        `select s.id, s.kind, s.hashtags, sh.id as show_id
         from sales s left join shows sh on sh.sale_id = s.id where s.id = any($1)`,
        [saleIds],
      )
    ).map((r) => [r.id, r]),
  );
  // Each thing warmed by the batch, by "kind key".
  const warmed = new Map<string, { kind: TrendingKind; key: string; heat: Heat }>();
  const add = (kind: TrendingKind, key: string, s: Signal) => {
    const id = `${kind} ${key}`;
    const w = warmed.get(id);
    warmed.set(id, { kind, key, heat: warm(w?.heat, s.amount, s.at) });
  };
  for (const s of signals) {
    if (s.showId) add('show', s.showId, s);
    const sale = s.saleId ? sales.get(s.saleId) : undefined;
    if (!sale) continue;
    if (sale.show_id) add('show', sale.show_id, s);
    else add('sale', sale.id, s);
    for (const tag of sale.hashtags) add('tag', tag, s);
  }
  const things = [...warmed.values()];
  const stored = await tx.query<{ kind: TrendingKind; key: string; score: number; at: Date }>(
    `select t.kind, t.key, t.score, t.at from trending t
     join unnest($1::text[], $2::text[]) as k(kind, key) on t.kind = k.kind and t.key = k.key
     order by t.kind, t.key for update of t`,
    [things.map((t) => t.kind), things.map((t) => t.key)],
  );
  for (const row of stored) {
    const w = warmed.get(`${row.kind} ${row.key}`);
    if (w) w.heat = combine({ score: Number(row.score), at: row.at.getTime() }, w.heat);
  }
  await tx.query(
    `insert into trending (kind, key, score, at)
     select * from unnest($1::text[], $2::text[], $3::float8[], $4::timestamptz[])
     on conflict (kind, key) do update set score = excluded.score, at = excluded.at`,
    [
      things.map((t) => t.kind),
      things.map((t) => t.key),
      things.map((t) => t.heat.score),
      things.map((t) => new Date(t.heat.at)),
    ],
  );
}

/**
 * Read model: the heat of every sale, show and hashtag, from the event log only (so a replay
 * rebuilds it exactly: the heat is a function of the events and their times).
 */
export function trendingConsumer(store: Store): ConsumerDefinition {
  return {
    name: TRENDING_CONSUMER,
    types: ['sale.claimed', 'waitlist.joined', 'auction.bid'],
    // Heat moves in minutes: a second's events in one transaction keep it off the claims' path
    // (on PGlite the consumer's statements run on the server's own thread).
    gatherMs: 1_000,
    handle: (event) => store.transaction((tx) => applyBatch(tx, [event])),
    batch: (events) => store.transaction((tx) => applyBatch(tx, events)),
    async reset(tx) {
      await tx.query('delete from trending');
      await forgetProcessed(tx, TRENDING_CONSUMER);
    },
  };
}
