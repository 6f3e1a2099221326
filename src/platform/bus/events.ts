import { newId } from '../ids.ts';
import type { Sql } from '../store/store.ts';

/** An event as written by a module, in the same transaction as the change it records. */
export interface NewEvent {
  /** Past tense, `<aggregate>.<fact>`: `reservation.created`, `order.paid`. */
  readonly type: string;
  /** Ordering and partition key: the sale, show or order id. */
  readonly key: string;
  readonly payload: Record<string, unknown>;
  readonly version?: number;
}

/** An event on the log, after the relay gave it a position. */
export interface EventRecord {
  readonly pos: number;
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly version: number;
  readonly payload: Record<string, unknown>;
  readonly createdAt: string;
}

export interface EventRow {
  pos: number;
  id: string;
  type: string;
  key: string;
  version: number;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

export const EVENT_COLUMNS = 'pos, id, type, key, version, payload, created_at';

export function toEventRecord(row: EventRow): EventRecord {
  return {
    pos: row.pos,
    id: row.id,
    type: row.type,
    key: row.key,
    version: row.version,
    payload: row.payload,
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
  };
}

/** Writes events to the outbox with one statement, whatever their number. */
export async function appendEvents(tx: Sql, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => newId('event'));
  await tx.query(
    `insert into events (id, type, key, version, payload)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::jsonb[])`,
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

/** Reads relayed events after a log position, in log order. */
export async function readEvents(sql: Sql, afterPos: number, limit: number): Promise<EventRecord[]> {
  const rows = await sql.query<EventRow>(
    `select ${EVENT_COLUMNS} from events where pos > $1 order by pos limit $2`,
    [afterPos, limit],
  );
  return rows.map(toEventRecord);
}

export async function headPosition(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ head: number }>('select coalesce(max(pos), 0)::int8 as head from events');
  return row?.head ?? 0;
}
