import type { Sql, Store } from '../store/store.ts';
import type { ConsumeOptions } from './bus.ts';
import type { EventRecord } from './events.ts';

/** A durable consumer of the event log: a read model, a worker step, a notifier. */
export interface ConsumerDefinition extends ConsumeOptions {
  readonly name: string;
  handle(event: EventRecord): Promise<void>;
}

/**
 * The replay lock of a group, as a transaction-scoped advisory lock: every transaction that
 * writes the group's processed markers holds it shared (`markProcessed*`), and emptying the
 * read model holds it exclusive. Without it, a worker's batch that commits while a replay
 * empties the read model keeps its markers (new rows, not in the delete's snapshot) while its
 * effect on existing rows is deleted: the replay then skips those events and the model
 * undercounts them.
 */
const REPLAY_LOCK_SQL = "hashtextextended('flashmob.replay:' || $1, 0)";

/**
 * Empties what `consumer` built (its `reset`) in one transaction that first waits for the
 * group's batches in flight to commit, then bars new ones until it commits; `also` runs in the
 * same transaction (moving the group's position, or recording the replay as pending).
 */
export async function emptyReadModel(
  store: Store,
  consumer: string,
  reset: (tx: Sql) => Promise<void>,
  also: (tx: Sql) => Promise<void> = async () => {},
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${REPLAY_LOCK_SQL})`, [consumer]);
    await reset(tx);
    await also(tx);
  });
}

/**
 * Records that `consumer` handled `eventId`, in the caller's transaction; false when it already
 * had. Writing the marker with the effect makes a redelivered event a no-op.
 */
export async function markProcessed(tx: Sql, consumer: string, eventId: string): Promise<boolean> {
  const rows = await tx.query(
    `insert into processed_events (consumer, event_id)
     select $1, $2 from (select pg_advisory_xact_lock_shared(${REPLAY_LOCK_SQL})) replay_lock
     on conflict do nothing returning event_id`,
    [consumer, eventId],
  );
  return rows.length > 0;
}

/**
 * `markProcessed` for a batch, in one statement: the events of it that `consumer` had not handled
 * yet (a batch consumer applies only those).
 */
export async function markProcessedBatch(
  tx: Sql,
  consumer: string,
  events: readonly EventRecord[],
): Promise<EventRecord[]> {
  const fresh = new Set(
    (
      await tx.query<{ event_id: string }>(
        `insert into processed_events (consumer, event_id)
         select $1, unnest($2::text[]) from (select pg_advisory_xact_lock_shared(${REPLAY_LOCK_SQL})) replay_lock
         on conflict do nothing returning event_id`,
        [consumer, events.map((e) => e.id)],
      )
    ).map((r) => r.event_id),
  );
  return events.filter((e) => fresh.has(e.id));
}

/**
 * Forgets every processed marker of `consumer`, in the caller's transaction: a read model's
 * `reset` calls it, so that a replay applies every event again.
 */
export async function forgetProcessed(tx: Sql, consumer: string): Promise<void> {
  await tx.query('delete from processed_events where consumer = $1', [consumer]);
}

/**
 * Whether `consumer` already handled `eventId`. A handler that calls the outside world (a payment
 * provider) checks it first, so that a redelivered event does not repeat the call; the marker is
 * still written with the effect, which settles a race between two deliveries.
 */
export async function wasProcessed(sql: Sql, consumer: string, eventId: string): Promise<boolean> {
  const rows = await sql.query('select 1 from processed_events where consumer = $1 and event_id = $2', [
    consumer,
    eventId,
  ]);
  return rows.length > 0;
}
