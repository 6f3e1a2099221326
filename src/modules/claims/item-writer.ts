import type { ClaimIntent } from '../../domain/allocation.ts';
import { PG, pgCode, type Sql } from '../../platform/store/store.ts';
import { type BatchKeys, type ItemRead, type ItemRow, lockItem, readItem, writeBatch } from './batch-sql.ts';
import { type Decision, decide } from './decide.ts';
import type { BatchPath, ClaimEngineOptions, ClaimResult } from './engine-types.ts';
import { KnownBuyers, type Speculation, speculationOf, unseenBy, withInFlight } from './speculation.ts';

/** A batch's answers, once whatever they rest on is committed. */
export interface Settled {
  readonly results: ClaimResult[];
  readonly wroteEvents: boolean;
  readonly path: BatchPath;
}

const MAX_LOCKED_ATTEMPTS = 3;

/**
 * After a guard failed, batches of the item take the row lock for a while: 10 ms after one
 * conflict (a hold returned now and then), doubling with each conflict in a row up to a second
 * (another node claiming the same item: taking turns on the lock beats failing writes).
 */
const LOCKED_AFTER_CONFLICT_MS = 10;
const LOCKED_AFTER_CONFLICTS_MAX_MS = 1_000;
/** Writes kept in the chain (in flight or lately committed): more than can be in flight at once. */
const CHAIN_HISTORY = 8;

const RETRYABLE = new Set<string>([PG.uniqueViolation, PG.deadlockDetected, PG.serializationFailure]);
/** A key used at the same moment by another writer (unique index), or a deadlock victim. */
const retryable = (e: unknown) => RETRYABLE.has(pgCode(e) ?? '');

/**
 * Decides and writes one item's batches on this node: optimistic and chained on its own writes
 * in flight while no one else changes the item, under the item's row lock after a conflict.
 */
export class ItemWriter {
  /**
   * This node's latest optimistic writes on the item, oldest first: those in flight, and the last
   * few committed ones (a read taken before their commit is allocated on top of them too).
   */
  private chain: Speculation[] = [];
  /** Writes of the chain not yet known to be committed. */
  private readonly pending = new Set<Speculation>();
  /** Statements on it run in the order sent: a write chained on another reaches the row after it. */
  private readonly lane: Sql;
  /** Until then (monotonic ms), batches take the row lock. */
  private lockedUntil = 0;
  /** Conflicts since the last optimistic commit. */
  private conflicts = 0;
  /** The item row as last read (its price, limit, window): batches allocated without a read use it. */
  private item: ItemRow | undefined;
  private readonly known = new KnownBuyers();
  /** Batches of this writer on the locked path: an optimistic one started beside them would fail. */
  private lockedInFlight = 0;
  /** Resolves once the last optimistic batch started has been allocated (they allocate in order). */
  private allocated: Promise<void> = Promise.resolve();

  constructor(
    private readonly itemId: string,
    private readonly o: ClaimEngineOptions,
  ) {
    this.lane = o.store.lane(itemId);
  }

  /** Decides and writes a batch: optimistically unless the item is on the locked path for now. */
  async settle(batch: readonly ClaimIntent[]): Promise<Settled> {
    if (this.lockedInFlight === 0 && performance.now() >= this.lockedUntil) {
      const settled = await this.optimistic(batch);
      if (settled) {
        this.conflicts = 0;
        return settled;
      }
      this.known.forget();
      this.conflicts++;
      this.lockedUntil =
        performance.now() +
        Math.min(LOCKED_AFTER_CONFLICTS_MAX_MS, LOCKED_AFTER_CONFLICT_MS * 2 ** (this.conflicts - 1));
    }
    this.lockedInFlight++;
    try {
      return await this.locked(batch);
    } finally {
      this.lockedInFlight--;
    }
  }

  /**
   * Reads the item without a lock (or, for a batch of buyers this node knows at the end of its
   * chain, skips the read), allocates on it plus this node's writes still in flight, and writes
   * guarded by the state that leaves. Undefined when that state did not hold: the batch wrote
   * nothing and is decided again under the lock.
   */
  private async optimistic(batch: readonly ClaimIntent[]): Promise<Settled | undefined> {
    // Allocated after the batch started before it, so that it sees that one's write in the chain.
    const previous = this.allocated;
    let allocated: () => void = () => {};
    this.allocated = new Promise<void>((r) => {
      allocated = r;
    });
    try {
      // The read starts at once (beside the previous batch's) unless this one may skip it.
      let reading = this.known.covers(batch) ? undefined : readItem(this.o.store, this.itemId, keysOf(batch));
      await previous;
      const tail = this.chain[this.chain.length - 1];
      const known = !reading && tail && this.item ? this.known.knowledgeAt(tail, batch) : undefined;
      if (known && this.item) {
        const settled = await this.allocateOn({ item: this.item, known }, [], batch, allocated, true);
        if (settled !== 'needs a read') return settled;
      }
      reading ??= readItem(this.o.store, this.itemId, keysOf(batch));
      const read = await reading;
      if (!read) throw new Error(`sale item ${this.itemId} vanished`);
      this.item = read.item;
      const unseen = unseenBy(this.chain, read.known.stamp, this.pending);
      if (!unseen) return undefined;
      const settled = await this.allocateOn(
        { item: read.item, known: withInFlight(read.known, unseen) },
        unseen,
        batch,
        allocated,
        false,
      );
      return settled === 'needs a read' ? undefined : settled;
    } finally {
      allocated();
    }
  }

  /**
   * Allocates on `on` (`unseen`: the writes in flight it counts on) and writes. A batch allocated
   * on what this node knows without a read and that writes nothing (refusals only) is not answered
   * from that knowledge: no write's guard would vouch for it ('needs a read').
   */
  private async allocateOn(
    on: ItemRead,
    unseen: readonly Speculation[],
    batch: readonly ClaimIntent[],
    allocated: () => void,
    withoutRead: boolean,
  ): Promise<Settled | undefined | 'needs a read'> {
    const decision = decide(this.itemId, batch, on.item, on.known, this.o.clock.now());
    const { write } = decision;
    if (!write) {
      if (withoutRead) return 'needs a read';
      // Answers that count on writes still in flight (a replay, a refusal) wait for their commit.
      for (const s of unseen) if (!(await s.settled)) return undefined;
      return { results: decision.results, wroteEvents: false, path: 'optimistic' };
    }
    let settle: (committed: boolean) => void = () => {};
    const speculation = speculationOf(
      write.base,
      write.batchId,
      write.remainingAfter,
      write.claims,
      new Promise<boolean>((r) => {
        settle = r;
      }),
    );
    this.chain.push(speculation);
    this.pending.add(speculation);
    if (this.chain.length > CHAIN_HISTORY) this.chain.shift();
    this.known.record(on.known, batch, speculation);
    allocated();
    let committed = false;
    try {
      committed = await writeBatch(this.lane, write);
    } catch (e) {
      if (!retryable(e)) throw e;
    } finally {
      this.pending.delete(speculation);
      // A write that did not commit leaves the chain at once: nothing may be allocated on it.
      if (!committed) {
        this.chain = this.chain.filter((s) => s !== speculation);
        this.known.forget();
      }
      settle(committed);
    }
    return committed ? { results: decision.results, wroteEvents: true, path: 'optimistic' } : undefined;
  }

  /** Decides the batch under the item's row lock, retrying a deadlock or a key taken meanwhile. */
  private async locked(batch: readonly ClaimIntent[]): Promise<Settled> {
    for (let attempt = 1; ; attempt++) {
      try {
        let written: Promise<boolean> | undefined;
        const decision = await this.o.store.transaction(async (tx) => {
          const d = await this.decideLocked(tx, batch);
          // Not awaited inside the transaction: the COMMIT queues right behind the write, which
          // releases the row lock one round trip sooner. If the write failed, that COMMIT rolled
          // the transaction back (the store throws the write's error).
          if (d.write) {
            written = writeBatch(tx, d.write);
            written.catch(() => {}); // awaited after the commit, which fails with the write's error
          }
          return d;
        });
        if (written && !(await written)) throw new Error(`sale item ${this.itemId} changed under its lock`);
        return { results: decision.results, wroteEvents: written !== undefined, path: 'locked' };
      } catch (e) {
        if (!retryable(e) || attempt >= MAX_LOCKED_ATTEMPTS) throw e;
      }
    }
  }

  private async decideLocked(tx: Sql, batch: readonly ClaimIntent[]): Promise<Decision> {
    const now = this.o.clock.now();
    const read: ItemRead | undefined = await lockItem(tx, this.itemId, keysOf(batch));
    if (!read) throw new Error(`sale item ${this.itemId} vanished`);
    return decide(this.itemId, batch, read.item, read.known, now);
  }
}

function keysOf(batch: readonly ClaimIntent[]): BatchKeys {
  return { buyers: batch.map((i) => i.buyerId), keys: batch.map((i) => i.idempotencyKey) };
}
