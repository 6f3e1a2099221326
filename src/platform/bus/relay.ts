import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { EVENT_COLUMNS, type EventRecord, type EventRow, toEventRecord } from './events.ts';

/** Advisory lock that makes the relay step serial across every node of a cluster. */
const RELAY_LOCK = 72_707_002;
const RELAY_BATCH = 2_000;

/** Publishes relayed events somewhere durable (JetStream) before their positions commit. */
export type RelayPublisher = (events: readonly EventRecord[]) => Promise<void>;

export interface OutboxRelayOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** Poll period: catches commits of other nodes and steps that lost the lock race. */
  readonly intervalMs: number;
  readonly publisher?: RelayPublisher;
  readonly onRelayed?: (events: readonly EventRecord[]) => void;
}

/**
 * Gives committed outbox rows their log position, in one serialised step.
 *
 * Sequence numbers are taken at insert, but transactions commit out of order: reading "rows
 * after the last seq seen" would skip a row whose transaction commits late. The relay only
 * takes rows whose writing transaction is older than the oldest transaction still running
 * (`txid < pg_snapshot_xmin(pg_current_snapshot())`), so every such transaction has finished,
 * orders them by (txid, seq), and numbers them after the current head under an advisory lock.
 * Consumers then follow `pos`, which only ever grows in commit order.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  /** Something committed events: relay soon (coalesces calls made while a step runs). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        const relayed = await this.step();
        if (relayed === RELAY_BATCH) this.again = true;
      } while (this.again && !this.stopped);
    } catch (e) {
      this.options.logger.warn({ err: toError(e) }, 'outbox relay step failed; will retry');
    } finally {
      this.running = false;
    }
  }

  /** One serialised step; returns how many events got a position. */
  async step(): Promise<number> {
    const events = await this.options.store.transaction(async (tx) => {
      const [lock] = await tx.query<{ got: boolean }>(
        'select pg_try_advisory_xact_lock($1, hashtext(current_schema())) as got',
        [RELAY_LOCK],
      );
      if (!lock?.got) return [];
      const [head] = await tx.query<{ head: number }>(
        'select coalesce(max(pos), 0)::int8 as head from events',
      );
      const rows = await tx.query<EventRow>(
        `with ready as (
           select seq, row_number() over (order by txid, seq) as rn
           from events
           where pos is null and txid < pg_snapshot_xmin(pg_current_snapshot())
           order by txid, seq
           limit $1)
         update events e set pos = $2::int8 + ready.rn
         from ready where e.seq = ready.seq
         returning ${EVENT_COLUMNS.split(', ')
           .map((c) => `e.${c}`)
           .join(', ')}`,
        [RELAY_BATCH, head?.head ?? 0],
      );
      const out = rows.map(toEventRecord).sort((a, b) => a.pos - b.pos);
      // Publish before the positions commit: a failed publish rolls them back and the next
      // step republishes under the same message ids (JetStream drops the duplicates).
      if (out.length > 0 && this.options.publisher) await this.options.publisher(out);
      return out;
    });
    if (events.length > 0) this.options.onRelayed?.(events);
    return events.length;
  }
}
