import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Sql } from '../store/store.ts';
import type { EventRecord } from './events.ts';
import { keyToken, type NatsNames } from './nats-names.ts';

/** The relay's group: its cursor over the store's outbox is a row of consumer_offsets. */
export const RELAY_GROUP = 'nats-relay';

export const subjectOf = (names: NatsNames, e: Pick<EventRecord, 'type' | 'key'>): string =>
  `${names.eventSubject}.${e.type}.${keyToken(e.key)}`;

/**
 * Publishes in log order on one connection (so the stream keeps that order), all acks awaited;
 * a failure throws and the relay retries the batch: duplicates are dropped by message id.
 */
export async function publishEvents(
  js: JetStreamClient,
  names: NatsNames,
  events: readonly EventRecord[],
): Promise<void> {
  await Promise.all(
    events.map((e) => {
      const h = natsHeaders();
      h.set('Flashmob-Seq', String(e.seq));
      return js.publish(subjectOf(names, e), JSON.stringify(e), { msgID: e.id, headers: h });
    }),
  );
}

/** Events committed in the store but not yet on the stream. */
export async function relayLag(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `select count(*)::int as n from events e, consumer_offsets c
     where c.consumer = $1 and (e.txid, e.seq) > (c.cursor_txid, c.cursor_seq)
       and e.txid < pg_snapshot_xmin(pg_current_snapshot())`,
    [RELAY_GROUP],
  );
  return row?.n ?? 0;
}
