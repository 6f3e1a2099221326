import { AckPolicy, type ConsumerConfig, DeliverPolicy } from '@nats-io/jetstream';

/** Stream and subject names of one deployment. */
export function natsNames(prefix = 'flashmob') {
  const p = prefix.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  const P = p.toUpperCase().replace(/-/g, '_');
  return {
    events: `${P}_EVENTS`,
    dlq: `${P}_DLQ`,
    retry: `${P}_RETRY`,
    eventSubject: `${p}.ev`,
    dlqSubject: `${p}.dlq`,
    retrySubject: `${p}.retry`,
    ephemeral: `${p}.eph`,
    /** Core NATS requests to the node running a group (`flashmob replay`). */
    adminSubject: `${p}.admin`,
  };
}

export type NatsNames = ReturnType<typeof natsNames>;

export const nanos = (ms: number) => ms * 1_000_000;
/** Consumer names: what JetStream accepts. */
export const durable = (group: string) => group.replace(/[^A-Za-z0-9_-]/g, '_');
export const keyToken = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * A group's durable consumer. Every node makes it with this one config, so that two nodes
 * making it at once (a worker's loop and a replay) agree and JetStream takes either.
 */
export function durableConfig(
  name: string,
  ackWaitNanos: number,
  start: { filter?: string; startSeq?: number } = {},
): Partial<ConsumerConfig> {
  return {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ackWaitNanos,
    ...(start.startSeq
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.startSeq }
      : { deliver_policy: DeliverPolicy.All }),
    ...(start.filter ? { filter_subject: start.filter } : {}),
  };
}
