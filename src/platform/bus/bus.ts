import type { Sql } from '../store/store.ts';
import type { Cursor, EventRecord } from './events.ts';

/** Handles one event of a durable consumer group. Throwing means "retry later". */
export type EventHandler = (event: EventRecord) => Promise<void>;
/** Handles several events at once (one transaction for a batch); a throw falls back to one by one. */
export type BatchHandler = (events: readonly EventRecord[]) => Promise<void>;

export interface ConsumeOptions {
  /** Only events of these types reach the handler (the offset still moves past the others). */
  readonly types?: readonly string[];
  /** Deliveries before an event is dead-lettered. */
  readonly maxDeliver?: number;
  /** First retry delay; doubles on every attempt. */
  readonly backoffMs?: number;
  /** Optional fast path: the events of one read, handled together. */
  readonly batch?: BatchHandler;
  /**
   * How long the group gathers commits after a read that found events (store bus; default 50 ms).
   * A read model that moves on a scale of minutes takes longer: fewer, larger transactions.
   */
  readonly gatherMs?: number;
  /**
   * Empties what the group built, in the caller's transaction, before a full replay
   * (`flashmob replay --from 0`). Groups that act on the world have none: a replay re-delivers
   * and their processed markers skip what they did.
   */
  reset?(tx: Sql): Promise<void>;
}

/** A replay asked of a bus: the group, its handling, and the event number to start from. */
export interface ReplayRequest {
  readonly group: string;
  readonly from: number;
  readonly handler: EventHandler;
  readonly options: ConsumeOptions;
}

export interface ReplayResult {
  /** A running node took the replay over (it rebuilds in the background); false: done here. */
  readonly handedOver: boolean;
}

/** Whether a group with these options handles `event` (its `types` filter). */
export const wants = (options: ConsumeOptions, event: EventRecord): boolean =>
  !options.types || options.types.includes(event.type);

export interface ConsumerHandle {
  readonly group: string;
  stop(): Promise<void>;
  /** Resolves when the consumer has handled everything up to the log head (tests, replay). */
  drained(): Promise<void>;
}

export interface DeadLetter {
  readonly id: number;
  readonly consumer: string;
  readonly eventId: string;
  readonly eventSeq: number;
  readonly type: string;
  readonly attempts: number;
  readonly error: string;
  readonly createdAt: string;
}

/**
 * The Bus port: the event log that consumers follow, and ephemeral fan-out.
 * Embedded: the log is the store's `events` table. Scale-out: NATS JetStream + core NATS.
 */
export interface Bus {
  readonly kind: 'store' | 'nats';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A local transaction committed outbox rows: relay them soon. */
  notifyCommitted(): void;
  /** Durable consumer group: at-least-once, in log order, offsets kept across restarts. */
  consume(group: string, handler: EventHandler, options?: ConsumeOptions): ConsumerHandle;
  /** Every event from now on, on every node (feeds the real-time gateway). */
  tail(listener: (events: readonly EventRecord[]) => void): () => void;
  /** Ephemeral message to every node (chat, reactions, presence); not logged. */
  publish(subject: string, data: unknown): void;
  subscribe(subject: string, listener: (data: unknown) => void): () => void;
  /** Moves a consumer group's cursor (replay); a node running the group picks it up. */
  resetConsumer(group: string, to: Cursor): Promise<void>;
  /**
   * Replays a group from an event number (`flashmob replay`): from 0, first empties what it built
   * (`reset`, under the group's replay lock). A node running the group takes the replay over;
   * with none, the group is run here until it has caught up.
   */
  replay(request: ReplayRequest): Promise<ReplayResult>;
  listDeadLetters(consumer?: string): Promise<DeadLetter[]>;
  /** Forgets a dead letter. */
  dropDeadLetter(id: number): Promise<boolean>;
  /** Asks the running consumer of that group to deliver the dead letter again. */
  retryDeadLetter(id: number): Promise<boolean>;
  ready(): Promise<void>;
  /** Events not yet handled, per consumer group (for /metrics). */
  lag(): Promise<Record<string, number>>;
}
