import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { type Signal, sleep } from '../signal.ts';
import type { Store } from '../store/store.ts';
import { type ConsumeOptions, type ConsumerHandle, type EventHandler, wants } from './bus.ts';
import {
  type Cursor,
  committedHead,
  compareCursors,
  cursorOf,
  EVENT_COLUMNS,
  type EventRecord,
  type EventRow,
  readEvents,
  toEventRecord,
} from './events.ts';

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS = 100;
const BATCH = 500;
const LEASE_SECONDS = 15;
/** The lease is renewed a third of the way through, not on every read. */
const RENEW_EVERY_MS = (LEASE_SECONDS * 1_000) / 3;
/** A cursor that moved over events this group does not want is written at most this often. */
const PERSIST_IDLE_CURSOR_MS = 1_000;
/** Dead letters an operator asked to retry are looked for this often. */
const REDELIVER_CHECK_MS = 1_000;
/**
 * After a read, commits of the next few ms are gathered into the next one: in a flash crowd a
 * group reads the log ~20 times a second rather than once per commit (each read is a round trip
 * and a wake-up of the database for every group).
 */
const GATHER_MS = 50;
const IDLE_POLL_MS = 250;
/** The event columns, read through the `e` alias (dead letters joined to their events). */
const EVENT_COLUMNS_OF_E = EVENT_COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');

export interface StoreConsumerOptions extends ConsumeOptions {
  readonly store: Store;
  readonly group: string;
  readonly handler: EventHandler;
  readonly nodeId: string;
  readonly wake: Signal;
  readonly logger: Logger;
  readonly pollMs?: number;
}

/**
 * A durable consumer group over the store's event log. One node at a time holds the group's
 * lease (a row in consumer_offsets), so a group's events are handled in log order; the cursor
 * moves after each batch (at-least-once: handlers are idempotent). A failing event is retried
 * with exponential backoff, then dead-lettered so that it cannot block the group forever.
 */
export class StoreConsumer implements ConsumerHandle {
  readonly group: string;
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Where this node has handled up to (ahead of `persisted` between writes). */
  private cursor: Cursor | undefined;
  /** The cursor in consumer_offsets, as this node last read or wrote it. */
  private persisted: Cursor | undefined;
  private renewAt = 0;
  private persistAt = 0;
  private redeliverAt = 0;
  private drainWaiters: Array<{ head: Cursor; resolve: () => void }> = [];

  constructor(private readonly o: StoreConsumerOptions) {
    this.group = o.group;
  }

  start(): void {
    this.loop = this.run().catch((e) =>
      this.o.logger.error({ err: toError(e), group: this.group }, 'consumer died'),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.wake.notify();
    await this.loop;
    await this.persist().catch((e: unknown) =>
      // Events handled since the last saved cursor are delivered again (consumers are idempotent).
      this.o.logger.warn({ err: toError(e), group: this.group }, 'could not save the cursor at stop'),
    );
    await this.o.store
      .query(
        'update consumer_offsets set owner = null, lease_until = null where consumer = $1 and owner = $2',
        [this.group, this.o.nodeId],
      )
      // Not released, the lease lapses on its own: another node takes the group a little later.
      .catch(() => {});
  }

  /** Resolves once everything committed before the call has been handled. */
  async drained(): Promise<void> {
    const head = await committedHead(this.o.store);
    if (this.cursor && compareCursors(this.cursor, head) >= 0) return;
    await new Promise<void>((resolve) => {
      this.drainWaiters.push({ head, resolve });
      this.o.wake.notify();
    });
  }

  private settleDrainWaiters(): void {
    const at = this.cursor;
    if (!at) return;
    const keep: typeof this.drainWaiters = [];
    for (const w of this.drainWaiters) {
      if (compareCursors(at, w.head) >= 0) w.resolve();
      else keep.push(w);
    }
    this.drainWaiters = keep;
  }

  private async run(): Promise<void> {
    await this.o.store.query('insert into consumer_offsets (consumer) values ($1) on conflict do nothing', [
      this.group,
    ]);
    while (!this.stopped) {
      try {
        const now = Date.now();
        if (!this.cursor || now >= this.renewAt) {
          const leased = await this.lease();
          if (!leased) {
            this.cursor = undefined;
            this.persisted = undefined;
            await this.o.wake.wait(1_000);
            continue;
          }
          // The first lease, or the cursor was moved under us (`flashmob replay`): start there.
          if (!this.persisted || compareCursors(leased, this.persisted) !== 0) this.cursor = leased;
          this.persisted = leased;
          this.renewAt = now + RENEW_EVERY_MS;
        }
        if (now >= this.redeliverAt) {
          await this.redeliverRequested();
          this.redeliverAt = now + REDELIVER_CHECK_MS;
        }
        const events = await readEvents(this.o.store, this.cursor as Cursor, BATCH, this.o.types);
        if (events.length === 0) {
          await this.persist();
          this.settleDrainWaiters();
          await this.o.wake.wait(this.o.pollMs ?? IDLE_POLL_MS);
          continue;
        }
        const wanted = events.filter((e) => wants(this.o, e));
        await this.handle(wanted);
        if (this.stopped) break;
        this.cursor = cursorOf(events[events.length - 1] as EventRecord);
        // Written at once after an effect; moving over unwanted events is written now and then
        // (re-reading them after a crash costs nothing).
        if (wanted.length > 0 || now >= this.persistAt) await this.persist();
        this.settleDrainWaiters();
        if (events.length < BATCH) await sleep(this.o.gatherMs ?? GATHER_MS);
      } catch (e) {
        this.o.logger.warn({ err: toError(e), group: this.group }, 'consumer step failed; retrying');
        await sleep(500);
      }
    }
  }

  private async handle(events: EventRecord[]): Promise<void> {
    if (events.length === 0) return;
    if (this.o.batch) {
      try {
        await this.o.batch(events);
        return;
      } catch (e) {
        this.o.logger.warn({ err: toError(e), group: this.group }, 'batch failed; delivering one by one');
      }
    }
    for (const event of events) {
      if (this.stopped) throw new Error('stopped');
      await this.deliver(event);
    }
  }

  /**
   * Writes the cursor if it moved, only over the value this node knows is there: if an operator
   * moved it (replay) or another node took the group, nothing is written and the next step
   * leases again.
   */
  private async persist(): Promise<void> {
    const at = this.cursor;
    const was = this.persisted;
    if (!at || !was || compareCursors(at, was) === 0) return;
    const rows = await this.o.store.query(
      `update consumer_offsets set cursor_txid = $2::xid8, cursor_seq = $3, updated_at = now()
       where consumer = $1 and owner = $4 and cursor_txid = $5::xid8 and cursor_seq = $6
       returning 1`,
      [this.group, at.txid, at.seq, this.o.nodeId, was.txid, was.seq],
    );
    this.persistAt = Date.now() + PERSIST_IDLE_CURSOR_MS;
    if (rows.length > 0) {
      this.persisted = at;
    } else {
      this.renewAt = 0;
      this.persisted = undefined;
    }
  }

  /** Takes or renews the group's lease; returns the committed cursor, or null if another node has it. */
  private async lease(): Promise<Cursor | null> {
    const [row] = await this.o.store.query<{ txid: string; seq: number }>(
      `update consumer_offsets
       set owner = $2, lease_until = now() + make_interval(secs => $3)
       where consumer = $1 and (owner is null or owner = $2 or lease_until < now())
       returning cursor_txid::text as txid, cursor_seq as seq`,
      [this.group, this.o.nodeId, LEASE_SECONDS],
    );
    return row ? { txid: row.txid, seq: row.seq } : null;
  }

  private async deliver(event: EventRecord): Promise<void> {
    const maxDeliver = this.o.maxDeliver ?? DEFAULT_MAX_DELIVER;
    let delay = this.o.backoffMs ?? DEFAULT_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.handler(event);
        return;
      } catch (e) {
        const err = toError(e);
        if (this.stopped) throw err;
        if (attempt >= maxDeliver) {
          await this.deadLetter(event, attempt, err);
          return;
        }
        this.o.logger.warn(
          { err, group: this.group, event: event.id, attempt },
          'handler failed; backing off',
        );
        await sleep(delay);
        delay *= 2;
      }
    }
  }

  private async deadLetter(event: EventRecord, attempts: number, err: Error): Promise<void> {
    this.o.logger.error({ err, group: this.group, event: event.id, attempts }, 'event dead-lettered');
    await this.o.store.query(
      `insert into dead_letters (consumer, event_id, event_seq, attempts, error)
       values ($1, $2, $3, $4, $5)
       on conflict (consumer, event_id) do update
       set attempts = excluded.attempts, error = excluded.error, retry_requested = false`,
      [this.group, event.id, event.seq, attempts, err.message.slice(0, 2_000)],
    );
  }

  /** Dead letters an operator asked to retry (`flashmob dlq retry`) are delivered once more. */
  private async redeliverRequested(): Promise<void> {
    const rows = await this.o.store.query<EventRow & { dl_id: number }>(
      `select d.id as dl_id, ${EVENT_COLUMNS_OF_E}
       from dead_letters d join events e on e.seq = d.event_seq
       where d.consumer = $1 and d.retry_requested
       order by d.id limit 50`,
      [this.group],
    );
    for (const row of rows) {
      const event = toEventRecord(row);
      try {
        await this.o.handler(event);
        await this.o.store.query('delete from dead_letters where id = $1', [row.dl_id]);
      } catch (e) {
        await this.o.store.query(
          'update dead_letters set retry_requested = false, attempts = attempts + 1, error = $2 where id = $1',
          [row.dl_id, toError(e).message.slice(0, 2_000)],
        );
      }
    }
  }
}
