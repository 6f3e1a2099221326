import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { Signal } from '../signal.ts';
import type { Store } from '../store/store.ts';
import type { Bus, ConsumeOptions, ConsumerHandle, DeadLetter, EventHandler } from './bus.ts';
import { listDeadLetters } from './dead-letters.ts';
import { type EventRecord, headPosition, readEvents } from './events.ts';
import { OutboxRelay } from './relay.ts';
import { StoreConsumer } from './store-consumer.ts';

export interface StoreBusOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** How often to look for events committed by other nodes (PostgreSQL mode). */
  readonly pollMs?: number;
  /** Run the outbox relay on this node (every node may; they take turns on a lock). */
  readonly relay?: boolean;
}

/**
 * The embedded Bus: the event log is the store's `events` table (relayed by OutboxRelay), and
 * ephemeral fan-out is in-process. Works across several nodes sharing one PostgreSQL for the
 * log; ephemeral messages stay on their node (use NATS for that).
 */
export class StoreBus implements Bus {
  readonly kind = 'store' as const;
  private readonly nodeId = randomUUID();
  private readonly relay: OutboxRelay | undefined;
  private readonly wake = new Signal();
  private readonly consumers = new Set<StoreConsumer>();
  private readonly tailListeners = new Set<(events: readonly EventRecord[]) => void>();
  private readonly subjects = new Map<string, Set<(data: unknown) => void>>();
  private tailPos = 0;
  private tailing = false;
  private tailAgain = false;
  private tailTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly o: StoreBusOptions) {
    const pollMs = o.pollMs ?? (o.store.kind === 'postgres' ? 50 : 1_000);
    if (o.relay !== false) {
      this.relay = new OutboxRelay({
        store: o.store,
        logger: o.logger,
        intervalMs: pollMs,
        onRelayed: () => {
          this.wake.notify();
          this.pumpTail();
        },
      });
    }
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.tailPos = await headPosition(this.o.store);
    const pollMs = this.o.pollMs ?? (this.o.store.kind === 'postgres' ? 50 : 1_000);
    this.tailTimer = setInterval(() => this.pumpTail(), pollMs);
    this.tailTimer.unref();
    this.relay?.start();
    for (const c of this.consumers) c.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.tailTimer) clearInterval(this.tailTimer);
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.relay?.stop();
    while (this.tailing) await new Promise((r) => setTimeout(r, 5));
  }

  async ready(): Promise<void> {
    await this.o.store.ping();
  }

  notifyCommitted(): void {
    this.relay?.kick();
  }

  /** Relays once, now (tests, CLI). */
  async relayNow(): Promise<number> {
    return this.relay ? this.relay.step() : 0;
  }

  consume(group: string, handler: EventHandler, options: ConsumeOptions = {}): ConsumerHandle {
    const consumer = new StoreConsumer({
      ...options,
      store: this.o.store,
      group,
      handler,
      nodeId: this.nodeId,
      wake: this.wake,
      logger: this.o.logger,
      relayNow: () => this.relayNow(),
    });
    this.consumers.add(consumer);
    if (this.started) consumer.start();
    return {
      group,
      drained: () => consumer.drained(),
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  tail(listener: (events: readonly EventRecord[]) => void): () => void {
    this.tailListeners.add(listener);
    return () => this.tailListeners.delete(listener);
  }

  private pumpTail(): void {
    if (!this.started || this.tailListeners.size === 0) return;
    if (this.tailing) {
      this.tailAgain = true;
      return;
    }
    this.tailing = true;
    void (async () => {
      try {
        do {
          this.tailAgain = false;
          for (;;) {
            const events = await readEvents(this.o.store, this.tailPos, 1_000);
            if (events.length === 0) break;
            this.tailPos = events[events.length - 1]?.pos ?? this.tailPos;
            for (const l of this.tailListeners) {
              try {
                l(events);
              } catch (e) {
                this.o.logger.error({ err: toError(e) }, 'tail listener failed');
              }
            }
            if (events.length < 1_000) break;
          }
        } while (this.tailAgain && this.started);
      } catch (e) {
        this.o.logger.warn({ err: toError(e) }, 'tail read failed; will retry');
      } finally {
        this.tailing = false;
      }
    })();
  }

  publish(subject: string, data: unknown): void {
    const listeners = this.subjects.get(subject);
    if (!listeners) return;
    for (const l of listeners) {
      try {
        l(data);
      } catch (e) {
        this.o.logger.error({ err: toError(e), subject }, 'subscriber failed');
      }
    }
  }

  subscribe(subject: string, listener: (data: unknown) => void): () => void {
    let set = this.subjects.get(subject);
    if (!set) {
      set = new Set();
      this.subjects.set(subject, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.subjects.delete(subject);
    };
  }

  async resetConsumer(group: string, toPos: number): Promise<void> {
    await this.o.store.query(
      `insert into consumer_offsets (consumer, pos) values ($1, $2)
       on conflict (consumer) do update set pos = excluded.pos, updated_at = now()`,
      [group, toPos],
    );
  }

  listDeadLetters(consumer?: string): Promise<DeadLetter[]> {
    return listDeadLetters(this.o.store, consumer);
  }

  async dropDeadLetter(id: number): Promise<boolean> {
    const rows = await this.o.store.query('delete from dead_letters where id = $1 returning id', [id]);
    return rows.length > 0;
  }

  async retryDeadLetter(id: number): Promise<boolean> {
    const rows = await this.o.store.query(
      'update dead_letters set retry_requested = true where id = $1 returning id',
      [id],
    );
    this.wake.notify();
    return rows.length > 0;
  }
}
