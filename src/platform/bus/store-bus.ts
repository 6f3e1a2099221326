import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { Signal } from '../signal.ts';
import type { Sql, Store } from '../store/store.ts';
import type {
  Bus,
  ConsumeOptions,
  ConsumerHandle,
  DeadLetter,
  EventHandler,
  ReplayRequest,
  ReplayResult,
} from './bus.ts';
import { emptyReadModel } from './consumer-def.ts';
import { listDeadLetters } from './dead-letters.ts';
import {
  type Cursor,
  cursorBeforeSeq,
  cursorOf,
  type EventRecord,
  headCursor,
  readEvents,
} from './events.ts';
import { StoreConsumer } from './store-consumer.ts';

export interface StoreBusOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** How often to look for events committed by other nodes (PostgreSQL mode). */
  readonly pollMs?: number;
}

const TAIL_BATCH = 2_000;

/**
 * The embedded Bus: the event log is the store's `events` table, read in (txid, seq) order up to
 * the visibility horizon; ephemeral fan-out is in-process. Works across several nodes sharing
 * one PostgreSQL for the log (each node polls); ephemeral messages stay on their node (NATS
 * carries them across nodes).
 */
export class StoreBus implements Bus {
  readonly kind = 'store' as const;
  private readonly nodeId = randomUUID();
  private readonly wake = new Signal();
  private readonly pollMs: number;
  private readonly consumers = new Set<StoreConsumer>();
  private readonly tailListeners = new Set<(events: readonly EventRecord[]) => void>();
  private readonly subjects = new Map<string, Set<(data: unknown) => void>>();
  private tailCursor: Cursor | undefined;
  private tailing = false;
  private tailAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly o: StoreBusOptions) {
    this.pollMs = o.pollMs ?? (o.store.kind === 'postgres' ? 50 : 1_000);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.tailCursor = await headCursor(this.o.store);
    this.timer = setInterval(() => this.pumpTail(), this.pollMs);
    this.timer.unref();
    for (const c of this.consumers) c.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.consumers].map((c) => c.stop()));
    while (this.tailing) await new Promise((r) => setTimeout(r, 5));
  }

  async ready(): Promise<void> {
    await this.o.store.ping();
  }

  /** A local commit wrote events: wake the tail and the consumers now rather than at the next poll. */
  notifyCommitted(): void {
    this.wake.notify();
    this.pumpTail();
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
      pollMs: this.pollMs,
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
    if (!this.started || this.tailListeners.size === 0 || !this.tailCursor) return;
    if (this.tailing) {
      this.tailAgain = true;
      return;
    }
    this.tailing = true;
    void this.drainTail().finally(() => {
      this.tailing = false;
    });
  }

  private async drainTail(): Promise<void> {
    try {
      do {
        this.tailAgain = false;
        for (;;) {
          const events = await readEvents(this.o.store, this.tailCursor as Cursor, TAIL_BATCH);
          if (events.length === 0) break;
          this.tailCursor = cursorOf(events[events.length - 1] as EventRecord);
          for (const l of this.tailListeners) {
            try {
              l(events);
            } catch (e) {
              this.o.logger.error({ err: toError(e) }, 'tail listener failed');
            }
          }
          if (events.length < TAIL_BATCH) break;
        }
      } while (this.tailAgain && this.started);
    } catch (e) {
      this.o.logger.warn({ err: toError(e) }, 'tail read failed; will retry');
    }
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

  async resetConsumer(group: string, to: Cursor): Promise<void> {
    await moveCursor(this.o.store, group, to);
    this.wake.notify();
  }

  /**
   * Empties the read model (from 0) and moves the group's cursor in one transaction, so neither
   * happens without the other. A node holding the group's lease notices the moved cursor on its
   * next step (its cursor writes compare the old value) and rebuilds; with none, it runs here.
   */
  async replay({ group, from, handler, options }: ReplayRequest): Promise<ReplayResult> {
    const to = await cursorBeforeSeq(this.o.store, from);
    let live = false;
    const move = async (tx: Sql) => {
      const [lease] = await tx.query<{ live: boolean }>(
        'select owner is not null and lease_until > now() as live from consumer_offsets where consumer = $1',
        [group],
      );
      live = lease?.live ?? false;
      await moveCursor(tx, group, to);
    };
    if (from === 0 && options.reset) await emptyReadModel(this.o.store, group, options.reset, move);
    else await this.o.store.transaction(move);
    this.wake.notify();
    if (live) return { handedOver: true };
    await this.start();
    const handle = this.consume(group, handler, options);
    await handle.drained();
    await handle.stop();
    return { handedOver: false };
  }

  async lag(): Promise<Record<string, number>> {
    const rows = await this.o.store.query<{ consumer: string; n: number }>(
      `select c.consumer, (select count(*)::int from events e
                           where (e.txid, e.seq) > (c.cursor_txid, c.cursor_seq)
                             and e.txid < pg_snapshot_xmin(pg_current_snapshot())) as n
       from consumer_offsets c`,
    );
    return Object.fromEntries(rows.map((r) => [r.consumer, r.n]));
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

async function moveCursor(sql: Sql, group: string, to: Cursor): Promise<void> {
  await sql.query(
    `insert into consumer_offsets (consumer, cursor_txid, cursor_seq) values ($1, $2::xid8, $3)
     on conflict (consumer) do update
     set cursor_txid = excluded.cursor_txid, cursor_seq = excluded.cursor_seq, updated_at = now()`,
    [group, to.txid, to.seq],
  );
}
