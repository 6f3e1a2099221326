import { randomUUID } from 'node:crypto';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  connect,
  type NatsConnection,
  RequestError,
  type Subscription,
  TimeoutError,
} from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { Signal, sleep } from '../signal.ts';
import type { Store } from '../store/store.ts';
import type {
  Bus,
  ConsumeOptions,
  ConsumerHandle,
  DeadLetter,
  EventHandler,
  ReplayRequest,
  ReplayResult,
} from './bus.ts';
import type { Cursor, EventRecord } from './events.ts';
import * as admin from './nats-admin.ts';
import { NatsFanout, NatsTail } from './nats-fanout.ts';
import { NatsGroup } from './nats-group.ts';
import { durable, nanos, natsNames } from './nats-names.ts';
import { publishEvents, RELAY_GROUP, relayLag } from './nats-relay.ts';
import { StoreConsumer } from './store-consumer.ts';

export { natsNames } from './nats-names.ts';

/**
 * How long `flashmob replay` waits for the node running a group to have emptied its read model
 * and started its consumer over (it first lets the batch in hand finish: at most a fetch of a
 * second plus that batch).
 */
const REPLAY_HANDOVER_TIMEOUT_MS = 120_000;

/** A consumer group registered on this node. */
interface Group {
  readonly handler: EventHandler;
  readonly options: ConsumeOptions;
  runner?: NatsGroup;
  /** Replays asked of this node run one after another. */
  replaying: Promise<unknown>;
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

/**
 * The scale-out Bus on NATS JetStream.
 *
 * - Relay: a durable consumer of the store's outbox (the same late-commit-proof reader as the
 *   embedded bus, one node at a time by lease) publishes every committed event, in log order, to
 *   the `FLASHMOB_EVENTS` stream with the event id as `Nats-Msg-Id` (a republish after a crash is
 *   dropped by the server); its cursor only moves once JetStream has acknowledged.
 * - Consumer groups (`NatsGroup`): durable JetStream pull consumers, explicit acks, handled in
 *   order with in-process retries, then the event goes to the `FLASHMOB_DLQ` stream and is acked.
 *   `dlq retry` republishes it on the group's retry subject, consumed by the same handler. A node
 *   running a group answers `flashmob replay` requests for it (`<p>.admin.replay.<group>`).
 * - Tail: an ordered consumer from now, on every node (realtime fan-out).
 * - Ephemeral fan-out (chat, reactions, presence): core NATS subjects, not stored.
 *
 * The operator's commands (`dlq`, `replay`) only connect: no relay, no groups, no tail.
 */
export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private connecting: Promise<void> | undefined;
  private readonly wake = new Signal();
  private readonly nodeId = randomUUID();
  private relay: StoreConsumer | undefined;
  private readonly groups = new Map<string, Group>();
  private readonly tailFeed: NatsTail;
  private readonly fanout: NatsFanout;
  /** This node's answers to `flashmob replay`, per group. */
  private readonly replaySubs = new Map<string, Subscription>();
  private started = false;
  private stopping = false;
  readonly names: ReturnType<typeof natsNames>;

  constructor(private readonly o: NatsBusOptions) {
    this.names = natsNames(o.prefix);
    this.fanout = new NatsFanout(this.names.ephemeral, o.logger);
    this.tailFeed = new NatsTail(this.names.events, o.logger);
  }

  private get ackWaitMs(): number {
    return this.o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  }

  private get conn(): NatsConnection {
    if (!this.nc) throw new Error('NATS is not connected');
    return this.nc;
  }

  /** The connection and the streams, without starting anything (the operator's commands). */
  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      this.nc = await connect({
        servers: this.o.url,
        name: `flashmob-${this.nodeId.slice(0, 8)}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
      this.fanout.attach(this.nc);
      this.js = jetstream(this.nc);
      this.jsm = await jetstreamManager(this.nc);
      await admin.ensureStreams(this.admin, this.o.retentionSeconds ?? 0);
    })();
    return this.connecting;
  }

  private get admin(): admin.NatsAdmin {
    if (!this.js || !this.jsm) throw new Error('NATS is not connected');
    return {
      js: this.js,
      jsm: this.jsm,
      names: this.names,
      store: this.o.store,
      ackWaitNanos: nanos(this.ackWaitMs),
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.connect();
    if (this.o.relay !== false) this.startRelay();
    for (const group of this.groups.keys()) this.runGroup(group);
    this.tailFeed.start(this.js as JetStreamClient);
  }

  private startRelay(): void {
    this.relay = new StoreConsumer({
      store: this.o.store,
      group: RELAY_GROUP,
      nodeId: this.nodeId,
      wake: this.wake,
      logger: this.o.logger,
      pollMs: 20,
      handler: (e) => publishEvents(this.js as JetStreamClient, this.names, [e]),
      batch: (events) => publishEvents(this.js as JetStreamClient, this.names, events),
      maxDeliver: Number.POSITIVE_INFINITY,
      backoffMs: 250,
    });
    this.relay.start();
  }

  async stop(): Promise<void> {
    if (this.started) {
      this.stopping = true;
      await this.relay?.stop();
      await Promise.all([...this.groups.values()].map((g) => g.runner?.stop()));
      this.tailFeed.stop();
      this.started = false;
    }
    await this.connecting?.catch(() => {}); // a failed connect was reported to start(); nothing to stop
    await this.nc?.drain().catch(() => {}); // closing: a connection already lost has nothing to drain
    this.fanout.detach();
    this.replaySubs.clear();
    this.nc = undefined;
    this.connecting = undefined;
    this.stopping = false;
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
    this.groups.set(group, { handler, options, replaying: Promise.resolve() });
    if (this.started) this.runGroup(group);
    return {
      group,
      stop: async () => {
        const g = this.groups.get(group);
        this.groups.delete(group);
        // No longer this node's to replay: a `flashmob replay` gets no responder, not a timeout.
        this.replaySubs.get(group)?.unsubscribe();
        this.replaySubs.delete(group);
        await g?.replaying;
        await g?.runner?.stop();
      },
      drained: () => this.drained(group),
    };
  }

  private newRunner(group: string, g: Group): NatsGroup {
    return new NatsGroup({
      group,
      handler: g.handler,
      options: g.options,
      js: this.js as JetStreamClient,
      jsm: this.jsm as JetStreamManager,
      names: this.names,
      logger: this.o.logger,
      ackWaitMs: this.ackWaitMs,
    });
  }

  private runGroup(group: string): void {
    const g = this.groups.get(group);
    if (!g) return;
    this.startRunner(group, g);
    this.answerReplays(group);
  }

  private startRunner(group: string, g: Group): void {
    g.runner = this.newRunner(group, g);
    g.runner.start(() => admin.finishPendingReplay(this.admin, group, g.options));
  }

  /**
   * This node runs `group`: it answers `flashmob replay` for it (one node of those running it, a
   * queue group). It stops its runner (the batch in hand is finished and acked), empties the
   * read model under the group's replay lock, starts the durable consumer over, and runs again.
   * Other nodes running the group see their pulls fail while the consumer is remade, and pull
   * again from the new one.
   */
  private answerReplays(group: string): void {
    const subject = `${this.names.adminSubject}.replay.${durable(group)}`;
    if (this.replaySubs.has(group)) return;
    const sub = this.conn.subscribe(subject, {
      queue: 'replay',
      callback: (err, msg) => {
        const g = this.groups.get(group);
        if (err || !g) return;
        const { from } = msg.json<{ from: number }>();
        const done = g.replaying.then(async () => {
          await g.runner?.stop();
          try {
            await admin.replayGroup(this.admin, group, from, g.options);
          } finally {
            // Also after a failure: a replay recorded as pending is finished before pulling.
            if (this.groups.get(group) === g && this.started && !this.stopping) this.startRunner(group, g);
          }
        });
        g.replaying = done.catch(() => {}); // only a turn to wait for: the failure is logged below
        done.then(
          () => msg.respond(JSON.stringify({ ok: true })),
          (e) => {
            this.o.logger.error({ err: toError(e), group }, 'replay failed');
            msg.respond(JSON.stringify({ error: toError(e).message }));
          },
        );
      },
    });
    this.replaySubs.set(group, sub);
  }

  /**
   * `flashmob replay`: asks the node running the group to do it; when none answers, does it here
   * (no node can be pulling the group then) and runs the group until it has caught up.
   */
  async replay({ group, from, handler, options }: ReplayRequest): Promise<ReplayResult> {
    await this.connect();
    try {
      const reply = await this.conn.request(
        `${this.names.adminSubject}.replay.${durable(group)}`,
        JSON.stringify({ from }),
        { timeout: REPLAY_HANDOVER_TIMEOUT_MS },
      );
      const answer = reply.json<{ ok?: boolean; error?: string }>();
      if (answer.error) throw new Error(`the node running ${group} could not replay it: ${answer.error}`);
      return { handedOver: true };
    } catch (e) {
      if (e instanceof TimeoutError || (e instanceof RequestError && e.cause instanceof TimeoutError))
        throw new Error(
          `the node running ${group} did not confirm the replay within ${REPLAY_HANDOVER_TIMEOUT_MS / 1000} s; it may still be at it (see its log)`,
        );
      if (!(e instanceof RequestError && e.isNoResponders())) throw e;
    }
    await admin.replayGroup(this.admin, group, from, options);
    await this.start();
    const handle = this.consume(group, handler, options);
    await handle.drained();
    await handle.stop();
    return { handedOver: false };
  }

  private async drained(group: string): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    for (let i = 0; i < 600; i++) {
      // Unreadable for now (NATS reconnecting): asked again 50 ms later.
      const info = await jsm.consumers.info(this.names.events, durable(group)).catch(() => undefined);
      const relayIdle = this.relay ? (await this.relayLag()) === 0 : true;
      if (info && info.num_pending === 0 && info.num_ack_pending === 0 && relayIdle) return;
      await sleep(50);
    }
    throw new Error(`consumer ${group} did not drain`);
  }

  /** Events committed in the store but not yet on the stream. */
  relayLag(): Promise<number> {
    return relayLag(this.o.store);
  }

  /** Unacknowledged and undelivered events per consumer group (for /metrics). */
  async lag(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const group of this.groups.keys()) {
      const info = await (this.jsm as JetStreamManager).consumers
        .info(this.names.events, durable(group))
        .catch(() => undefined); // unreadable for now: left out of this scrape, not reported as 0
      if (info) out[group] = info.num_pending + info.num_ack_pending;
    }
    out[RELAY_GROUP] = await this.relayLag();
    return out;
  }

  // ---- tail (nats-fanout.ts)

  tail(listener: (events: readonly EventRecord[]) => void): () => void {
    const off = this.tailFeed.add(listener);
    if (this.started) this.tailFeed.start(this.js as JetStreamClient);
    return off;
  }

  // ---- ephemeral fan-out (nats-fanout.ts)

  publish(subject: string, data: unknown): void {
    this.fanout.publish(subject, data);
  }

  subscribe(subject: string, listener: (data: unknown) => void): () => void {
    return this.fanout.subscribe(subject, listener);
  }

  // ---- replay and dead letters (the operator's commands: nats-admin.ts)

  /** Starts the group's durable consumer over after `to` (no read model emptied). */
  async resetConsumer(group: string, to: Cursor): Promise<void> {
    await this.connect();
    await admin.resetDurable(this.admin, group, to);
  }

  async listDeadLetters(consumer?: string): Promise<DeadLetter[]> {
    await this.connect();
    return admin.listDeadLetters(this.admin, consumer);
  }

  async dropDeadLetter(id: number): Promise<boolean> {
    await this.connect();
    return admin.dropDeadLetter(this.admin, id);
  }

  async retryDeadLetter(id: number): Promise<boolean> {
    await this.connect();
    return admin.retryDeadLetter(this.admin, id);
  }

  /** Deletes this deployment's streams (tests). */
  async deleteStreams(): Promise<void> {
    await this.connect();
    await admin.deleteStreams(this.admin);
  }

  /** Every event id on the stream (tests check the stream against the outbox). */
  async eventIdsOnStream(): Promise<Set<string>> {
    await this.connect();
    return admin.eventIdsOnStream(this.admin);
  }
}
