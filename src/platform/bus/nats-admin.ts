import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { Store } from '../store/store.ts';
import type { ConsumeOptions, DeadLetter } from './bus.ts';
import { emptyReadModel } from './consumer-def.ts';
import {
  type Cursor,
  compareCursors,
  cursorBeforeSeq,
  cursorOf,
  type EventRecord,
  LOG_START,
} from './events.ts';
import { durable, durableConfig, type NatsNames, nanos } from './nats-names.ts';

/**
 * What an operator does to a deployment's streams (`flashmob replay`, `flashmob dlq`), and the
 * streams' set-up: functions of a JetStream connection, used by `NatsBus`.
 */
export interface NatsAdmin {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: NatsNames;
  readonly store: Store;
  readonly ackWaitNanos: number;
}

/** Makes the deployment's three streams, or brings their subjects and retention up to date. */
export async function ensureStreams(a: NatsAdmin, retentionSeconds: number): Promise<void> {
  const { names } = a;
  const specs = [
    {
      name: names.events,
      subjects: [`${names.eventSubject}.>`],
      max_age: nanos(retentionSeconds * 1000),
      duplicate_window: nanos(10 * 60_000),
    },
    { name: names.dlq, subjects: [`${names.dlqSubject}.>`], max_age: 0 },
    {
      name: names.retry,
      subjects: [`${names.retrySubject}.>`],
      max_age: 0,
      retention: RetentionPolicy.Workqueue,
    },
  ];
  for (const spec of specs) {
    try {
      await a.jsm.streams.info(spec.name);
      await a.jsm.streams.update(spec.name, { subjects: spec.subjects, max_age: spec.max_age });
    } catch {
      // No such stream yet (or it could not be updated: then the add fails and says why).
      await a.jsm.streams.add({ ...spec, storage: StorageType.File });
    }
  }
}

/** Deletes the deployment's streams (tests). */
export async function deleteStreams(a: NatsAdmin): Promise<void> {
  for (const name of [a.names.events, a.names.dlq, a.names.retry])
    await a.jsm.streams.delete(name).catch(() => false); // not there: nothing to delete
}

/** Every event id on the events stream (tests check the stream against the outbox). */
export async function eventIdsOnStream(a: NatsAdmin): Promise<Set<string>> {
  const consumer = await a.js.consumers.get(a.names.events, { deliver_policy: DeliverPolicy.All });
  const info = await a.jsm.streams.info(a.names.events);
  const ids = new Set<string>();
  if (info.state.messages === 0) return ids;
  const messages = await consumer.consume();
  for await (const m of messages) {
    ids.add(m.json<EventRecord>().id);
    if (m.seq >= info.state.last_seq) break;
  }
  return ids;
}

// ---- dead letters: messages of the DLQ stream, their stream sequence as id

export async function listDeadLetters(a: NatsAdmin, consumer?: string): Promise<DeadLetter[]> {
  const { state } = await a.jsm.streams.info(a.names.dlq);
  const out: DeadLetter[] = [];
  if (state.messages === 0) return out;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await a.jsm.streams.getMessage(a.names.dlq, { seq });
    if (!m) continue; // dropped or retried
    const group = m.header?.get('Flashmob-Consumer') ?? 'unknown';
    if (consumer && group !== consumer) continue;
    const event = m.json<EventRecord>();
    out.push({
      id: seq,
      consumer: group,
      eventId: event.id,
      eventSeq: event.seq,
      type: event.type,
      attempts: Number(m.header?.get('Flashmob-Attempts') ?? 0),
      error: m.header?.get('Flashmob-Error') ?? '',
      createdAt: m.time.toISOString(),
    });
  }
  return out;
}

export function dropDeadLetter(a: NatsAdmin, id: number): Promise<boolean> {
  // Not there (dropped or retried already): false, which the command reports.
  return a.jsm.streams.deleteMessage(a.names.dlq, id).catch(() => false);
}

/**
 * Moves a dead letter to its group's retry subject: the node running the group handles it again
 * (its `-retry` consumer of the work-queue retry stream).
 */
export async function retryDeadLetter(a: NatsAdmin, id: number): Promise<boolean> {
  const m = await a.jsm.streams.getMessage(a.names.dlq, { seq: id });
  const group = m?.header?.get('Flashmob-Consumer');
  if (!m || !group) return false;
  await a.js.publish(`${a.names.retrySubject}.${durable(group)}`, m.data);
  await a.jsm.streams.deleteMessage(a.names.dlq, id);
  return true;
}

// ---- replay

/**
 * The stream sequence of the first event after `to`. The relay publishes in log order, so the
 * stream is sorted by cursor: a binary search over it, each probe one message read. A probe that
 * finds no message counts as "after": a replay may start early (handlers are idempotent), never late.
 */
async function streamSeqAfter(a: NatsAdmin, to: Cursor): Promise<number> {
  const { state } = await a.jsm.streams.info(a.names.events);
  let lo = Math.max(state.first_seq, 1);
  let hi = state.last_seq + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const m = await a.jsm.streams.getMessage(a.names.events, { seq: mid });
    if (!m || compareCursors(cursorOf(m.json<EventRecord>()), to) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Starts the group's durable consumer over at `to`: JetStream cannot move a consumer, so it is
 * deleted and made again. A node running the group sees its pulls fail and makes the consumer
 * again itself (from the start of the stream), maybe in between: then ours is refused if it
 * starts elsewhere, so it is deleted once more.
 */
export async function resetDurable(a: NatsAdmin, group: string, to: Cursor): Promise<void> {
  const name = durable(group);
  const startSeq = compareCursors(to, LOG_START) === 0 ? undefined : await streamSeqAfter(a, to);
  const config = durableConfig(name, a.ackWaitNanos, startSeq ? { startSeq } : {});
  for (let attempt = 1; ; attempt++) {
    // Not there: nothing to delete; there and not deleted: the add below fails and is retried.
    await a.jsm.consumers.delete(a.names.events, name).catch(() => false);
    try {
      await a.jsm.consumers.add(a.names.events, config);
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

/**
 * Replays a group from event `from`, with this node's runner of the group stopped (or none).
 * From 0 the read model is emptied first, and the replay is recorded as pending in the same
 * transaction until the durable consumer has been started over: a crash in between leaves the
 * record, and the next start of the group finishes the replay (`finishPendingReplay`).
 */
export async function replayGroup(
  a: NatsAdmin,
  group: string,
  from: number,
  options: ConsumeOptions,
): Promise<void> {
  const to = await cursorBeforeSeq(a.store, from);
  if (from === 0 && options.reset) {
    await emptyReadModel(a.store, group, options.reset, async (tx) => {
      await tx.query(
        `insert into replay_pending (consumer, from_seq) values ($1, $2)
         on conflict (consumer) do update set from_seq = excluded.from_seq, requested_at = now()`,
        [group, from],
      );
    });
  }
  await resetDurable(a, group, to);
  await a.store.query('delete from replay_pending where consumer = $1', [group]);
}

/** Finishes a replay that a crash left half done (the read model emptied, the consumer not reset). */
export async function finishPendingReplay(
  a: NatsAdmin,
  group: string,
  options: ConsumeOptions,
): Promise<void> {
  const [row] = await a.store.query<{ from_seq: number }>(
    'select from_seq from replay_pending where consumer = $1',
    [group],
  );
  if (row) await replayGroup(a, group, Number(row.from_seq), options);
}
