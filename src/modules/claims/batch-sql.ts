import { idempotencyKeyOf, type PriorReservation } from '../../domain/allocation.ts';
import { OUTBOX_INSERT } from '../../platform/bus/events.ts';
import type { Sql } from '../../platform/store/store.ts';
import type { ItemKnowledge, ItemStamp } from './speculation.ts';
import { type Reservation, type ReservationRow, toReservation } from './types.ts';

/** The item's row (and its sale's window), as a batch reads it. */
export interface ItemRow {
  sale_id: string;
  sku: string;
  remaining: number;
  per_buyer_limit: number;
  price_cents: number;
  currency: string;
  version: number;
  last_batch_id: string | null;
  active: boolean;
  starts_at: Date;
  ends_at: Date;
  hold_seconds: number;
}

/** A batch's buyers and keys, in arrival order (duplicates allowed). */
export interface BatchKeys {
  readonly buyers: readonly string[];
  readonly keys: readonly string[];
}

/**
 * A reservation found under an idempotency key, as the batch query returns it: the reservation
 * row in JSON (timestamps as text), with the key and request hash it was claimed under.
 */
interface PriorRow extends Omit<ReservationRow, 'expires_at' | 'created_at'> {
  key: string;
  hash: string;
  expires_at: string;
  created_at: string;
}

interface HoldingsRow {
  priors: PriorRow[] | null;
  held: Record<string, number> | null;
}

const ITEM_COLUMNS = `i.sale_id, i.sku, i.remaining, i.per_buyer_limit, i.price_cents, i.currency, i.version,
  i.last_batch_id, i.active, s.starts_at, s.ends_at, s.hold_seconds`;

/**
 * What the allocation needs besides the item ($1 buyers, $2 keys, $3 item): the reservations
 * already made under these keys, and what each buyer holds of the item now.
 */
const HOLDINGS = `
  (select json_agg(json_build_object('id', r.id, 'buyer_id', r.buyer_id, 'key', r.idempotency_key,
            'hash', r.request_hash, 'sale_id', r.sale_id, 'sale_item_id', r.sale_item_id, 'sku', r.sku,
            'quantity', r.quantity, 'price_cents', r.price_cents, 'currency', r.currency, 'state', r.state,
            'source', r.source, 'expires_at', r.expires_at, 'created_at', r.created_at, 'order_id', r.order_id))
   from reservations r
   join unnest($1::text[], $2::text[]) as k(buyer, key) on r.buyer_id = k.buyer and r.idempotency_key = k.key
  ) as priors,
  (select json_object_agg(buyer_id, units) from (
     select buyer_id, sum(quantity)::int as units from reservations
     where buyer_id = any($1) and sale_item_id = $3 and state in ('held', 'checked_out')
     group by buyer_id) h
  ) as held`;

const params = (itemId: string, b: BatchKeys) => [b.buyers, b.keys, itemId];

function knowledgeOf(item: ItemRow, h: HoldingsRow | undefined): ItemKnowledge {
  const priorByKey = new Map<string, PriorReservation>();
  const priorRows = new Map<string, Reservation>();
  for (const r of h?.priors ?? []) {
    priorByKey.set(idempotencyKeyOf(r.buyer_id, r.key), { reservationId: r.id, requestHash: r.hash });
    priorRows.set(
      r.id,
      toReservation({ ...r, expires_at: new Date(r.expires_at), created_at: new Date(r.created_at) }),
    );
  }
  return {
    stamp: { version: item.version, batchId: item.last_batch_id },
    remaining: item.remaining,
    heldByBuyer: new Map(Object.entries(h?.held ?? {})),
    priorByKey,
    priorRows,
  };
}

export interface ItemRead {
  readonly item: ItemRow;
  readonly known: ItemKnowledge;
}

/** The item and the batch's holdings in one statement (one snapshot), without a lock. */
export async function readItem(sql: Sql, itemId: string, batch: BatchKeys): Promise<ItemRead | undefined> {
  const [row] = await sql.query<ItemRow & HoldingsRow>(
    `select ${ITEM_COLUMNS}, ${HOLDINGS}
     from sale_items i join sales s on s.id = i.sale_id where i.id = $3`,
    params(itemId, batch),
  );
  return row ? { item: row, known: knowledgeOf(row, row) } : undefined;
}

/**
 * The item under its row lock, then the holdings. Two statements sent back to back: the second
 * starts once the first has the lock, so it reads what every earlier writer committed (one
 * statement would read with a snapshot taken before the lock wait).
 */
export async function lockItem(tx: Sql, itemId: string, batch: BatchKeys): Promise<ItemRead | undefined> {
  const locking = lockItemRow(tx, itemId);
  const holdings = tx.query<HoldingsRow>(`select ${HOLDINGS}`, params(itemId, batch));
  const [item, [h]] = await Promise.all([locking, holdings]);
  return item ? { item, known: knowledgeOf(item, h) } : undefined;
}

/** The item row (and its sale's window) under its row lock: every writer of stock takes it this way. */
export async function lockItemRow(tx: Sql, itemId: string): Promise<ItemRow | undefined> {
  const [item] = await tx.query<ItemRow>(
    `select ${ITEM_COLUMNS} from sale_items i join sales s on s.id = i.sale_id where i.id = $1 for update of i`,
    [itemId],
  );
  return item;
}

/** One reservation of a batch's write, in arrival order. */
export interface WrittenClaim {
  readonly buyerId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly reservation: Reservation;
  /** The item's remaining stock right after this claim (for the event). */
  readonly remainingAfter: number;
}

export interface BatchWrite {
  readonly itemId: string;
  readonly saleId: string;
  readonly sku: string;
  readonly priceCents: number;
  readonly currency: string;
  /** The state the batch was allocated on: the write applies only if the item is still in it. */
  readonly base: ItemStamp;
  readonly batchId: string;
  readonly eventId: string;
  readonly taken: number;
  readonly remainingAfter: number;
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly claims: readonly WrittenClaim[];
}

/**
 * One statement: the stock (guarded by the state the batch was allocated on), every reservation,
 * and one `sale.claimed` event for the whole batch (one per batch, not per claim: the outbox costs
 * a row per commit, and readers want the batch's final stock anyway). Nothing is written unless
 * the guard holds; resolves whether it did.
 */
export async function writeBatch(sql: Sql, w: BatchWrite): Promise<boolean> {
  const rows = await sql.query(
    `with upd as (
       update sale_items set remaining = remaining - $2, version = $3, last_batch_id = $4
       where id = $1 and version = $5 and last_batch_id is not distinct from $6::text
       returning 1
     ), batch as (
       select * from unnest($13::text[], $14::text[], $15::int[], $16::text[], $17::text[], $18::int[])
         with ordinality as b(id, buyer, qty, key, hash, rem, n)
       where exists (select 1 from upd)
     ), res as (
       insert into reservations (id, sale_id, sale_item_id, buyer_id, sku, quantity, price_cents, currency, state,
                                 idempotency_key, request_hash, expires_at, created_at)
       select id, $7, $1, buyer, $8, qty, $9, $10, 'held', key, hash, $11, $12 from batch
     )
     ${OUTBOX_INSERT}
     select $19, 'sale.claimed', $7,
            json_build_object('saleId', $7::text, 'itemId', $1::text, 'sku', $8::text, 'itemVersion', $3::int8,
              'remaining', $20::int, 'expiresAt', $21::text,
              'reservations', json_agg(json_build_object('id', id, 'buyerId', buyer, 'quantity', qty, 'remaining', rem)
                                       order by n))
     from batch
     having count(*) > 0
     returning 1`,
    [
      w.itemId,
      w.taken,
      w.base.version + 1,
      w.batchId,
      w.base.version,
      w.base.batchId,
      w.saleId,
      w.sku,
      w.priceCents,
      w.currency,
      w.expiresAt,
      w.createdAt,
      w.claims.map((c) => c.reservation.id),
      w.claims.map((c) => c.buyerId),
      w.claims.map((c) => c.reservation.quantity),
      w.claims.map((c) => c.idempotencyKey),
      w.claims.map((c) => c.requestHash),
      w.claims.map((c) => c.remainingAfter),
      w.eventId,
      w.remainingAfter,
      w.expiresAt,
    ],
  );
  return rows.length > 0;
}
