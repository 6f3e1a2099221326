import type { ClaimIntent } from '../../domain/allocation.ts';
import { AppError, toError } from '../../platform/errors.ts';
import type { ClaimEngineOptions, ClaimResult } from './engine-types.ts';
import { ItemWriter } from './item-writer.ts';

export interface Pending {
  readonly intent: ClaimIntent;
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

/**
 * Batches in flight per item on one node. While one batch's write is on its way, the next is
 * already reading and allocating on top of it (optimistic path), or waiting on the row lock in
 * the database (locked path): the item is never idle waiting for a round trip through this
 * process. Allocation order is still arrival order.
 */
const MAX_IN_FLIGHT = 2;

/** The claims waiting for one item on this node, sent to its writer in batches. */
export class ItemQueue {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Cancels the flush that is scheduled (a timer, or an immediate when no wait is due). */
  private cancelFlush: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly writer: ItemWriter;

  constructor(
    private readonly itemId: string,
    private readonly o: ClaimEngineOptions,
  ) {
    this.writer = new ItemWriter(itemId, o);
  }

  enqueue(p: Pending): void {
    this.queue.push(p);
    this.schedule();
  }

  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Starts a batch now when one is full, else after `batchWaitMs` (≤ ~2 ms) to let more arrive. */
  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return;
    const full = this.queue.length >= this.o.batchMax;
    if (this.cancelFlush && !full) return;
    this.cancelFlush?.();
    const run = () => {
      this.cancelFlush = undefined;
      this.flush();
    };
    const wait = full || this.inFlight > 0 ? 0 : this.o.batchWaitMs;
    if (wait > 0) {
      const t = setTimeout(run, wait);
      this.cancelFlush = () => clearTimeout(t);
    } else {
      const i = setImmediate(run);
      this.cancelFlush = () => clearImmediate(i);
    }
  }

  private flush(): void {
    if (this.queue.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return;
    const batch = this.queue.splice(0, this.o.batchMax);
    this.inFlight++;
    // The engine decides on the intents alone; `batch` keeps the callers to answer.
    const settled = this.writer.settle(batch.map((p) => p.intent));
    // The next batch may start right away (see MAX_IN_FLIGHT).
    this.schedule();
    void settled.then(
      ({ results, wroteEvents, path }) => {
        this.done();
        if (wroteEvents) this.o.onCommit();
        this.o.metrics?.batch(batch.length, path);
        results.forEach((result, i) => {
          this.o.metrics?.outcome(result.ok ? 'accepted' : result.code);
          batch[i]?.resolve(result);
        });
      },
      (e: unknown) => {
        this.done();
        this.o.logger.error({ err: toError(e), item: this.itemId, size: batch.length }, 'claim batch failed');
        const err = new AppError(
          'unavailable',
          'Could not record the claim; retry with the same idempotency key',
          {
            cause: e,
            headers: { 'retry-after': '1' },
          },
        );
        for (const p of batch) p.reject(err);
      },
    );
  }

  private done(): void {
    this.inFlight--;
    this.schedule();
    if (this.inFlight === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
