import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import {
  connect,
  type NatsConnection,
  headers as natsHeaders,
  type Subscription,
} from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { Signal, sleep } from '../signal.ts';
import type { Store } from '../store/store.ts';
import {
  type Bus,
  type ConsumeOptions,
  type ConsumerHandle,
  type DeadLetter,
  type EventHandler,
  wants,
} from './bus.ts';
import { type Cursor, type EventRecord, LOG_START } from './events.ts';
import { DEFAULT_BACKOFF_MS, DEFAULT_MAX_DELIVER, StoreConsumer } from './store-consumer.ts';

const RELAY_GROUP = 'nats-relay';
const FETCH = 100;

/** A consumer group registered on this node. */
interface Group {
  readonly handler: EventHandler;
  readonly options: ConsumeOptions;
  stop?: () => Promise<void>;
}

export interface NatsBusOptions {
  readonly url: string;
  readonly store: Store;
  readonly logger: Logger;
  /** Keep events this long on the stream (0: forever); the store keeps them regardless. */
  readonly retentionSeconds?: number;
  /** Run the outbox relay on this node (every node may; one at a time holds its lease). */
  readonly relay?: boolean;
  /** Names streams and subjects, so that several deployments (or test runs) share one NATS. */
  readonly prefix?: string;
  /**
   * How long JetStream waits for an ack before it redelivers (to this or another node): the
   * recovery time after a consumer crashed mid-batch. A batch being handled is kept alive with
   * `working()` meanwhile, so a slow batch is not redelivered under its handler. Default 10 s.
   */
  readonly ackWaitMs?: number;
}

const DEFAULT_ACK_WAIT_MS = 10_000;

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
  };
}

const nanos = (ms: number) => ms * 1_000_000;
/** Consumer names: what JetStream accepts. */
const durable = (group: string) => group.replace(/[^A-Za-z0-9_-]/g, '_');
const keyToken = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * The scale-out Bus on NATS JetStream.
 *
 * - Relay: a durable consumer of the store's outbox (the same late-commit-proof reader as the
 *   embedded bus, one node at a time by lease) publishes every committed event, in log order, to
 *   the `FLASHMOB_EVENTS` stream with the event id as `Nats-Msg-Id` (a republish after a crash is
 *   dropped by the server); its cursor only moves once JetStream has acknowledged.
 * - Consumer groups: durable JetStream pull consumers, explicit acks, handled in order with
 *   in-process retries (exponential backoff, `working()` keeps the ack alive), then the event goes
 *   to the `FLASHMOB_DLQ` stream and is acked. `dlq retry` republishes it on the group's retry
 *   subject, consumed by the same handler.
 * - Tail: an ordered consumer from now, on every node (realtime fan-out).
 * - Ephemeral fan-out (chat, reactions, presence): core NATS subjects, not stored.
 */
export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private readonly wake = new Signal();
  private readonly nodeId = randomUUID();
  private relay: StoreConsumer | undefined;
  private readonly groups = new Map<string, Group>();
  private readonly tails = new Set<(events: readonly EventRecord[]) => void>();
  private readonly subs = new Map<string, Set<(data: unknown) => void>>();
  private readonly natsSubs = new Map<string, Subscription>();
  private tailStop: (() => void) | undefined;
  private started = false;
  private stopping = false;
  readonly names: ReturnType<typeof natsNames>;

  constructor(private readonly o: NatsBusOptions) {
    this.names = natsNames(o.prefix);
  }

  /** The consumers' ack wait, in nanoseconds (JetStream's unit). */
  private get ackWait(): number {
    return nanos(this.o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS);
  }

  subjectOf(e: Pick<EventRecord, 'type' | 'key'>): string {
    return `${this.names.eventSubject}.${e.type}.${keyToken(e.key)}`;
  }

  private get conn(): NatsConnection {
    if (!this.nc) throw new Error('NATS is not connected');
    return this.nc;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.nc = await connect({
      servers: this.o.url,
      name: `flashmob-${this.nodeId.slice(0, 8)}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    this.js = jetstream(this.nc);
    this.jsm = await jetstreamManager(this.nc);
    await this.ensureStreams();
    for (const [subject, listeners] of this.subs) if (listeners.size > 0) this.listen(subject);
    if (this.o.relay !== false) this.startRelay();
    for (const group of this.groups.keys()) this.runGroup(group);
    if (this.tails.size > 0) this.startTail();
  }

  private async ensureStreams(): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    const maxAge = nanos((this.o.retentionSeconds ?? 0) * 1000);
    const specs = [
      {
        name: this.names.events,
        subjects: [`${this.names.eventSubject}.>`],
        max_age: maxAge,
        duplicate_window: nanos(10 * 60_000),
      },
      { name: this.names.dlq, subjects: [`${this.names.dlqSubject}.>`], max_age: 0 },
      {
        name: this.names.retry,
        subjects: [`${this.names.retrySubject}.>`],
        max_age: 0,
        retention: RetentionPolicy.Workqueue,
      },
    ];
    for (const spec of specs) {
      try {
        await jsm.streams.info(spec.name);
        await jsm.streams.update(spec.name, { subjects: spec.subjects, max_age: spec.max_age });
      } catch {
        await jsm.streams.add({ ...spec, storage: StorageType.File });
      }
    }
  }

  private startRelay(): void {
    this.relay = new StoreConsumer({
      store: this.o.store,
      group: RELAY_GROUP,
      nodeId: this.nodeId,
      wake: this.wake,
      logger: this.o.logger,
      pollMs: 20,
      handler: (e) => this.publishEvents([e]),
      batch: (events) => this.publishEvents(events),
      maxDeliver: Number.POSITIVE_INFINITY,
      backoffMs: 250,
    });
    this.relay.start();
  }

  /**
   * Publishes in log order on one connection (so the stream keeps that order), all acks awaited;
   * a failure throws and the relay retries the batch: duplicates are dropped by message id.
   */
  private async publishEvents(events: readonly EventRecord[]): Promise<void> {
    const js = this.js as JetStreamClient;
    await Promise.all(
      events.map((e) => {
        const h = natsHeaders();
        h.set('Flashmob-Seq', String(e.seq));
        return js.publish(this.subjectOf(e), JSON.stringify(e), { msgID: e.id, headers: h });
      }),
    );
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    await this.relay?.stop();
    await Promise.all([...this.groups.values()].map((g) => g.stop?.()));
    this.tailStop?.();
    await this.nc?.drain().catch(() => {});
    this.started = false;
  }

  async ready(): Promise<void> {
    await this.conn.flush();
    await (this.jsm as JetStreamManager).getAccountInfo();
  }

  notifyCommitted(): void {
    this.wake.notify();
  }

  // ---- consumer groups

  consume(group: string, handler: EventHandler, options: ConsumeOptions = {}): ConsumerHandle {
    this.groups.set(group, { handler, options });
    if (this.started) this.runGroup(group);
    return {
      group,
      stop: async () => {
        await this.groups.get(group)?.stop?.();
        this.groups.delete(group);
      },
      drained: () => this.drained(group),
    };
  }

  private runGroup(group: string): void {
    const g = this.groups.get(group);
    if (!g) return;
    let stopped = false;
    const loops = [
      this.pull(group, this.names.events, durable(group), g, () => stopped),
      this.pull(
        group,
        this.names.retry,
        `${durable(group)}-retry`,
        g,
        () => stopped,
        `${this.names.retrySubject}.${durable(group)}`,
      ),
    ];
    g.stop = async () => {
      stopped = true;
      await Promise.allSettled(loops);
    };
  }

  private async ensureConsumer(stream: string, name: string, filter?: string): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    let info: Awaited<ReturnType<JetStreamManager['consumers']['info']>> | undefined;
    try {
      info = await jsm.consumers.info(stream, name);
    } catch {
      info = undefined;
    }
    if (info) {
      // A consumer made with another ack wait (an older deployment, another setting) takes this one.
      if (info.config.ack_wait !== this.ackWait)
        await jsm.consumers.update(stream, name, { ack_wait: this.ackWait });
    } else {
      await jsm.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        ack_wait: this.ackWait,
        deliver_policy: DeliverPolicy.All,
        ...(filter ? { filter_subject: filter } : {}),
      });
    }
  }

  /** One pull loop: fetch, handle in order (retrying in place), ack; dead-letter what keeps failing. */
  private async pull(
    group: string,
    stream: string,
    name: string,
    g: Group,
    stopped: () => boolean,
    filter?: string,
  ): Promise<void> {
    while (!stopped() && !this.stopping) {
      try {
        await this.ensureConsumer(stream, name, filter);
        const consumer = await (this.js as JetStreamClient).consumers.get(stream, name);
        while (!stopped() && !this.stopping) {
          const fetched = await consumer.fetch({ max_messages: FETCH, expires: 1_000 });
          await this.drainFetch(group, g, fetched);
        }
      } catch (e) {
        if (stopped() || this.stopping) return;
        this.o.logger.warn({ err: toError(e), group }, 'consumer loop failed; retrying');
        await sleep(500);
      }
    }
  }

  /**
   * Handles a fetch's messages as they arrive, in order: whatever came in while the previous
   * messages were handled makes the next batch (a fetch lasts until it has FETCH messages or
   * expires, and nothing waits for that). Every message received stays in progress
   * (`working()`) until it is acked, so a slow batch is not redelivered under its handler.
   */
  private async drainFetch(group: string, g: Group, fetched: AsyncIterable<JsMsg>): Promise<void> {
    const received: JsMsg[] = [];
    let queue: JsMsg[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const pump = (async () => {
      try {
        for await (const m of fetched) {
          received.push(m);
          queue.push(m);
          wake?.();
        }
      } finally {
        ended = true;
        wake?.();
      }
    })();
    pump.catch(() => {}); // rethrown below, once the messages in hand are handled
    const alive = setInterval(
      () => {
        for (const m of received) m.working(); // a no-op for those already acked
      },
      Math.max(100, (this.o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) / 3),
    );
    try {
      for (;;) {
        if (queue.length === 0) {
          if (ended) break;
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          continue;
        }
        const msgs = queue;
        queue = [];
        await this.handleBatch(group, g, msgs);
      }
      await pump;
    } finally {
      clearInterval(alive);
    }
  }

  private async handleBatch(group: string, g: Group, msgs: JsMsg[]): Promise<void> {
    const events = msgs.map((m) => m.json<EventRecord>());
    const wanted = events.filter((e) => wants(g.options, e));
    if (g.options.batch && wanted.length > 0) {
      try {
        await g.options.batch(wanted);
        for (const m of msgs) m.ack();
        return;
      } catch (e) {
        this.o.logger.warn({ err: toError(e), group }, 'batch failed; delivering one by one');
      }
    }
    for (const [i, m] of msgs.entries()) {
      const event = events[i] as EventRecord;
      if (wants(g.options, event)) await this.deliver(group, g, m, event);
      m.ack();
    }
  }

  private async deliver(group: string, g: Group, m: JsMsg, event: EventRecord): Promise<void> {
    const max = g.options.maxDeliver ?? DEFAULT_MAX_DELIVER;
    let delay = g.options.backoffMs ?? DEFAULT_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await g.handler(event);
        return;
      } catch (e) {
        const err = toError(e);
        if (attempt >= max) {
          await this.deadLetter(group, event, attempt, err);
          return;
        }
        this.o.logger.warn({ err, group, event: event.id, attempt }, 'handler failed; backing off');
        m.working();
        await sleep(delay);
        delay *= 2;
      }
    }
  }

  private async deadLetter(group: string, event: EventRecord, attempts: number, err: Error): Promise<void> {
    this.o.logger.error({ err, group, event: event.id, attempts }, 'event dead-lettered');
    const h = natsHeaders();
    h.set('Flashmob-Consumer', group);
    h.set('Flashmob-Attempts', String(attempts));
    h.set('Flashmob-Error', err.message.slice(0, 500).replace(/[\r\n]/g, ' '));
    await (this.js as JetStreamClient).publish(
      `${this.names.dlqSubject}.${durable(group)}`,
      JSON.stringify(event),
      {
        headers: h,
      },
    );
  }

  private async drained(group: string): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    for (let i = 0; i < 600; i++) {
      const info = await jsm.consumers.info(this.names.events, durable(group)).catch(() => undefined);
      const relayIdle = this.relay ? (await this.relayLag()) === 0 : true;
      if (info && info.num_pending === 0 && info.num_ack_pending === 0 && relayIdle) return;
      await sleep(50);
    }
    throw new Error(`consumer ${group} did not drain`);
  }

  /** Events committed in the store but not yet on the stream. */
  async relayLag(): Promise<number> {
    const [row] = await this.o.store.query<{ n: number }>(
      `select count(*)::int as n from events e, consumer_offsets c
       where c.consumer = $1 and (e.txid, e.seq) > (c.cursor_txid, c.cursor_seq)
         and e.txid < pg_snapshot_xmin(pg_current_snapshot())`,
      [RELAY_GROUP],
    );
    return row?.n ?? 0;
  }

  /** Unacknowledged and undelivered events per consumer group (for /metrics). */
  async lag(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const group of this.groups.keys()) {
      const info = await (this.jsm as JetStreamManager).consumers
        .info(this.names.events, durable(group))
        .catch(() => undefined);
      if (info) out[group] = info.num_pending + info.num_ack_pending;
    }
    out[RELAY_GROUP] = await this.relayLag();
    return out;
  }

  // ---- tail

  tail(listener: (events: readonly EventRecord[]) => void): () => void {
    this.tails.add(listener);
    if (this.started && !this.tailStop) this.startTail();
    return () => this.tails.delete(listener);
  }

  private startTail(): void {
    let stopped = false;
    this.tailStop = () => {
      stopped = true;
    };
    void (async () => {
      while (!stopped && !this.stopping) {
        try {
          const consumer = await (this.js as JetStreamClient).consumers.get(this.names.events, {
            deliver_policy: DeliverPolicy.New,
          });
          const messages = await consumer.consume();
          for await (const m of messages) {
            if (stopped) break;
            const event = m.json<EventRecord>();
            for (const l of this.tails) {
              try {
                l([event]);
              } catch (e) {
                this.o.logger.error({ err: toError(e) }, 'tail listener failed');
              }
            }
          }
        } catch (e) {
          if (stopped || this.stopping) return;
          this.o.logger.warn({ err: toError(e) }, 'tail failed; resubscribing');
          await sleep(250);
        }
      }
    })();
  }

  // ---- ephemeral fan-out

  publish(subject: string, data: unknown): void {
    if (!this.nc) return;
    this.nc.publish(`${this.names.ephemeral}.${subject}`, JSON.stringify(data));
  }

  subscribe(subject: string, listener: (data: unknown) => void): () => void {
    let set = this.subs.get(subject);
    if (!set) {
      set = new Set();
      this.subs.set(subject, set);
    }
    set.add(listener);
    if (this.nc && !this.natsSubs.has(subject)) this.listen(subject);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.subs.delete(subject);
        this.natsSubs.get(subject)?.unsubscribe();
        this.natsSubs.delete(subject);
      }
    };
  }

  private listen(subject: string): void {
    const sub = this.conn.subscribe(`${this.names.ephemeral}.${subject}`, {
      callback: (err, msg) => {
        if (err) return;
        let data: unknown;
        try {
          data = msg.json();
        } catch {
          return;
        }
        for (const l of this.subs.get(subject) ?? []) {
          try {
            l(data);
          } catch (e) {
            this.o.logger.error({ err: toError(e), subject }, 'subscriber failed');
          }
        }
      },
    });
    this.natsSubs.set(subject, sub);
  }

  // ---- replay and dead letters

  /** Replays a group from a place in the log: its durable consumer is recreated to start there. */
  async resetConsumer(group: string, to: Cursor): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    await jsm.consumers.delete(this.names.events, durable(group)).catch(() => undefined);
    let startSeq: number | undefined;
    if (to.seq !== LOG_START.seq) {
      // The first stream message whose event comes after the cursor (events carry their seq).
      const [row] = await this.o.store.query<{ created_at: Date }>(
        'select created_at from events where seq > $1 order by seq limit 1',
        [to.seq],
      );
      if (row) {
        const msg = await jsm.streams
          .getMessage(this.names.events, { start_time: row.created_at.toISOString() } as never)
          .catch(() => undefined);
        startSeq = msg?.seq;
      }
    }
    await jsm.consumers.add(this.names.events, {
      durable_name: durable(group),
      ack_policy: AckPolicy.Explicit,
      ack_wait: this.ackWait,
      ...(startSeq
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
        : { deliver_policy: DeliverPolicy.All }),
    });
  }

  async listDeadLetters(consumer?: string): Promise<DeadLetter[]> {
    const jsm = this.jsm as JetStreamManager;
    const info = await jsm.streams.info(this.names.dlq);
    const out: DeadLetter[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
      const m = await jsm.streams.getMessage(this.names.dlq, { seq }).catch(() => undefined);
      if (!m) continue;
      const group = m.header.get('Flashmob-Consumer');
      if (consumer && group !== consumer) continue;
      const event = m.json<EventRecord>();
      out.push({
        id: seq,
        consumer: group,
        eventId: event.id,
        eventSeq: event.seq,
        type: event.type,
        attempts: Number(m.header.get('Flashmob-Attempts')),
        error: m.header.get('Flashmob-Error'),
        createdAt: m.time.toISOString(),
      });
    }
    return out;
  }

  async dropDeadLetter(id: number): Promise<boolean> {
    return (this.jsm as JetStreamManager).streams.deleteMessage(this.names.dlq, id).catch(() => false);
  }

  /** Moves a dead letter to its group's retry subject: the group's handler gets it again. */
  async retryDeadLetter(id: number): Promise<boolean> {
    const jsm = this.jsm as JetStreamManager;
    const m = await jsm.streams.getMessage(this.names.dlq, { seq: id }).catch(() => undefined);
    if (!m) return false;
    await (this.js as JetStreamClient).publish(
      `${this.names.retrySubject}.${durable(m.header.get('Flashmob-Consumer'))}`,
      m.data,
    );
    await jsm.streams.deleteMessage(this.names.dlq, id);
    return true;
  }

  /** Deletes this deployment's streams (tests). */
  async deleteStreams(): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    for (const name of [this.names.events, this.names.dlq, this.names.retry])
      await jsm.streams.delete(name).catch(() => false);
  }

  /** Stream sequence numbers of every event id on the stream (tests check the stream against the outbox). */
  async eventIdsOnStream(): Promise<Set<string>> {
    const consumer = await (this.js as JetStreamClient).consumers.get(this.names.events, {
      deliver_policy: DeliverPolicy.All,
    });
    const info = await (this.jsm as JetStreamManager).streams.info(this.names.events);
    const ids = new Set<string>();
    if (info.state.messages === 0) return ids;
    const messages = await consumer.consume();
    for await (const m of messages) {
      ids.add(m.json<EventRecord>().id);
      if (m.seq >= info.state.last_seq) break;
    }
    return ids;
  }
}
