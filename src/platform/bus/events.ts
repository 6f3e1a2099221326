import { newId } from '../ids.ts';
import type { Sql } from '../store/store.ts';

/** An event as written by a module, in the same transaction as the change it records. */
export interface NewEvent {
  /** Past tense, `<aggregate>.<fact>`: `sale.claimed`, `order.paid`. */
  readonly type: string;
  /** Ordering and partition key: the sale, show or order id. */
  readonly key: string;
  readonly payload: Record<string, unknown>;
  readonly version?: number;
}

/**
 * A place in the log: the log is ordered by (writing transaction id, seq). `txid` is a 64-bit
 * transaction id, kept as text.
 */
export interface Cursor {
  readonly txid: string;
  readonly seq: number;
}

export const LOG_START: Cursor = { txid: '0', seq: 0 };

/** An event on the log. */
export interface EventRecord {
  readonly seq: number;
  readonly txid: string;
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly version: number;
  readonly payload: Record<string, unknown>;
  readonly createdAt: string;
}

export interface EventRow {
  seq: number;
  txid: string;
  id: string;
  type: string;
  key: string;
  version: number;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

export const EVENT_COLUMNS = 'seq, txid::text as txid, id, type, key, version, payload, created_at';
/** The same, with payloads only for the types in $4 (a consumer group's filter). */
const EVENT_COLUMNS_WANTED_PAYLOADS = `seq, txid::text as txid, id, type, key, version,
  case when type = any($4::text[]) then payload else '{}' end as payload, created_at`;
/**
 * Log order. Qualified on purpose: a bare `order by txid` names the `txid::text` output column
 * above and sorts as text ("990" after "1004"), which read events out of order and, past a
 * power of ten, moved cursors over events never delivered.
 */
const LOG_ORDER = 'events.txid, events.seq';
const LOG_ORDER_DESC = 'events.txid desc, events.seq desc';

export function toEventRecord(row: EventRow): EventRecord {
  return {
    seq: row.seq,
    txid: row.txid,
    id: row.id,
    type: row.type,
    key: row.key,
    version: row.version,
    payload: row.payload,
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
  };
}

export const cursorOf = (e: Pick<EventRecord, 'txid' | 'seq'>): Cursor => ({ txid: e.txid, seq: e.seq });

/** Orders two cursors the way the log is ordered. */
export function compareCursors(a: Cursor, b: Cursor): number {
  const ta = BigInt(a.txid);
  const tb = BigInt(b.txid);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * The head of an outbox insert, for the one writer that must put its event in the same SQL
 * statement as its change: the claim engine's batch write (stock, reservations and
 * `sale.claimed` in one statement, `claims/batch-sql.ts`). Everyone else calls `appendEvents`.
 */
export const OUTBOX_INSERT = 'insert into events (id, type, key, payload)';

/** Writes events to the outbox with one statement, whatever their number. */
export async function appendEvents(tx: Sql, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => newId('event'));
  await tx.query(
    `insert into events (id, type, key, version, payload)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::json[])`,
    [
      ids,
      events.map((e) => e.type),
      events.map((e) => e.key),
      events.map((e) => e.version ?? 1),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
  return ids;
}

/** The visibility horizon: only transactions below it are certainly finished. */
const FINISHED = 'txid < pg_snapshot_xmin(pg_current_snapshot())';

/**
 * Events after `after`, in log order, among those whose transaction has certainly finished.
 * An event that commits late has a txid at or above the horizon until it commits, so it is
 * read on a later call and never skipped.
 */
export async function readEvents(
  sql: Sql,
  after: Cursor,
  limit: number,
  /** Only these types are read with their payload (the others come with `{}`: a consumer skips them). */
  types?: readonly string[],
): Promise<EventRecord[]> {
  const columns = types ? EVENT_COLUMNS_WANTED_PAYLOADS : EVENT_COLUMNS;
  const rows = await sql.query<EventRow>(
    `select ${columns} from events
     where (txid, seq) > ($1::xid8, $2::int8) and ${FINISHED}
     order by ${LOG_ORDER} limit $3`,
    types ? [after.txid, after.seq, limit, types] : [after.txid, after.seq, limit],
  );
  return rows.map(toEventRecord);
}

/**
 * The last event committed so far, finished or not below the horizon (LOG_START when empty):
 * what "everything committed before now" reaches. A reader gets there once every transaction
 * older than it has finished (a long transaction anywhere in the cluster holds the horizon back).
 */
export async function committedHead(sql: Sql): Promise<Cursor> {
  const [row] = await sql.query<{ txid: string; seq: number }>(
    `select txid::text as txid, seq from events order by ${LOG_ORDER_DESC} limit 1`,
  );
  return row ? { txid: row.txid, seq: row.seq } : LOG_START;
}

/** The last finished event of the log (LOG_START when empty). */
export async function headCursor(sql: Sql): Promise<Cursor> {
  const [row] = await sql.query<{ txid: string; seq: number }>(
    `select txid::text as txid, seq from events where ${FINISHED} order by ${LOG_ORDER_DESC} limit 1`,
  );
  return row ? { txid: row.txid, seq: row.seq } : LOG_START;
}

/** The cursor just before the first event numbered `seq` or later (replay "from seq"). */
export async function cursorBeforeSeq(sql: Sql, seq: number): Promise<Cursor> {
  if (seq <= 1) return LOG_START;
  const [row] = await sql.query<{ txid: string; seq: number }>(
    `select txid::text as txid, seq from events where seq >= $1 order by ${LOG_ORDER} limit 1`,
    [seq],
  );
  return row ? { txid: row.txid, seq: row.seq - 1 } : headCursor(sql);
}
