import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { allocate, type ClaimIntent, type Outcome } from '../../domain/allocation.ts';
import { type SaleTiming, windowRefusal } from '../../domain/sale-status.ts';
import { createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, type ErrorCode, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Sql, type Store } from '../../platform/store/store.ts';
import type { SalesService } from '../sales/service.ts';
import {
  type BatchKeys,
  type BatchWrite,
  type ItemRead,
  type ItemRow,
  lockItem,
  readItem,
  type WrittenClaim,
  writeBatch,
} from './batch-sql.ts';
import {
  type ItemKnowledge,
  KnownBuyers,
  type Speculation,
  speculationOf,
  unseenBy,
  withInFlight,
} from './speculation.ts';
import type { Reservation } from './types.ts';

export interface ClaimRequest {
  readonly saleId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly buyerId: string;
  readonly idempotencyKey: string;
}

export type ClaimResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly replayed: boolean }
  | {
      readonly ok: false;
      readonly code: Extract<
        ErrorCode,
        'sold_out' | 'limit_exceeded' | 'not_started' | 'ended' | 'idempotency_conflict'
      >;
      readonly message: string;
      readonly extra?: Record<string, unknown>;
    };

/** How a batch was committed: on the state it read, or under the item's row lock. */
export type BatchPath = 'optimistic' | 'locked';

export interface ClaimMetrics {
  batch(size: number, path: BatchPath): void;
  outcome(code: string): void;
}

export interface ClaimEngineOptions {
  readonly store: Store;
  readonly sales: SalesService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly batchMax: number;
  readonly batchWaitMs: number;
  /** Called after every commit that wrote events (kicks the outbox relay). */
  readonly onCommit: () => void;
  readonly metrics?: ClaimMetrics;
}

interface Pending {
  readonly intent: ClaimIntent;
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

/** A batch's answers, once whatever they rest on is committed. */
interface Settled {
  readonly results: ClaimResult[];
  readonly wroteEvents: boolean;
  readonly path: BatchPath;
}

/** What a batch decided on some state of the item: the answers, and the write they need. */
interface Decision {
  readonly results: ClaimResult[];
  /** Absent when the batch takes nothing. */
  readonly write?: BatchWrite;
}

const MAX_LOCKED_ATTEMPTS = 3;

/** A crowd sends few distinct (sale, sku, quantity) bodies: their hashes are kept (bounded). */
const hashes = createCache<string, string>({ max: 10_000 });

export function requestHash(r: Pick<ClaimRequest, 'saleId' | 'sku' | 'quantity'>): string {
  const body = `${r.saleId}\u0000${r.sku}\u0000${r.quantity}`;
  let hash = hashes.get(body);
  if (hash === undefined) {
    hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
    hashes.set(body, hash);
  }
  return hash;
}

/**
 * The claim engine: one batched writer per sale item on this node.
 *
 * Claims for an item queue in memory for at most `batchWaitMs` (or until `batchMax` are waiting),
 * then a batch is allocated in arrival order (per-buyer limits, idempotency keys) and written with
 * one statement: stock decremented once, every reservation and the outbox event inserted. Only
 * after the commit are the callers answered: an acknowledged claim is durable.
 *
 * Optimistic first: the batch reads the item and its buyers' holdings without a lock, and its
 * write applies only if the item is still in the state it read (its version and last batch), so
 * no lock is held while this process allocates. Batches of this node are chained: the next one
 * is allocated on top of the writes still in flight and guarded by the state they leave. When a
 * guard fails (another node, a returned hold or a host changed the item), the batch is decided
 * again under the item's row lock, and the item stays on that path for a moment. Either way
 * `CHECK (remaining >= 0)` is the last line against an oversell.
 */
export class ClaimEngine {
  private readonly writers = new Map<string, ItemWriter>();

  constructor(private readonly o: ClaimEngineOptions) {}

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    let info = await this.o.sales.info(request.saleId);
    if (!info) throw new AppError('not_found', 'Sale not found');
    let item = info.itemsBySku.get(request.sku);
    if (!item) {
      info = await this.o.sales.info(request.saleId, { refresh: true });
      item = info?.itemsBySku.get(request.sku);
    }
    if (!info || !item?.active) {
      throw new AppError('unknown_sku', `This sale has no item with SKU ${request.sku}`, {
        extra: { sku: request.sku },
      });
    }
    // Early answer without touching the database; the commit checks the window again.
    const early = windowRefusal(info, this.o.clock.now());
    if (early) return windowResult(early, info);

    let writer = this.writers.get(item.id);
    if (!writer) {
      writer = new ItemWriter(item.id, this.o);
      this.writers.set(item.id, writer);
    }
    const intent: ClaimIntent = {
      buyerId: request.buyerId,
      quantity: request.quantity,
      idempotencyKey: request.idempotencyKey,
      requestHash: requestHash(request),
    };
    return new Promise<ClaimResult>((resolve, reject) => writer.enqueue({ intent, resolve, reject }));
  }

  /** Waits for every queued batch to commit (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.idle()));
  }
}

function windowResult(refusal: 'not_started' | 'ended', sale: SaleTiming): ClaimResult {
  return refusal === 'not_started'
    ? {
        ok: false,
        code: 'not_started',
        message: 'The sale has not started',
        extra: { startsAt: new Date(sale.startsAt).toISOString() },
      }
    : {
        ok: false,
        code: 'ended',
        message: 'The sale has ended',
        extra: { endedAt: new Date(sale.endsAt).toISOString() },
      };
}

/**
 * Batches in flight per item on one node. While one batch's write is on its way, the next is
 * already reading and allocating on top of it (optimistic path), or waiting on the row lock in
 * the database (locked path): the item is never idle waiting for a round trip through this
 * process. Allocation order is still arrival order.
 */
const MAX_IN_FLIGHT = 2;
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

class ItemWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Cancels the flush that is scheduled (a timer, or an immediate when no wait is due). */
  private cancelFlush: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
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
    const settled = this.settle(batch.map((p) => p.intent));
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

  private async settle(batch: readonly ClaimIntent[]): Promise<Settled> {
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
    const decision = this.decide(batch, on.item, on.known, this.o.clock.now());
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
            written.catch(() => {});
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
    return this.decide(batch, read.item, read.known, now);
  }

  /** Allocates the batch on `known` (pure apart from new ids): the answers, and the write they need. */
  private decide(batch: readonly ClaimIntent[], item: ItemRow, known: ItemKnowledge, now: number): Decision {
    const timing = { startsAt: item.starts_at.getTime(), endsAt: item.ends_at.getTime() };
    const refusal = windowRefusal(timing, now);
    if (refusal) {
      const r = windowResult(refusal, timing);
      return { results: batch.map(() => r) };
    }
    if (!item.active) {
      const r: ClaimResult = { ok: false, code: 'ended', message: 'This item is no longer on sale' };
      return { results: batch.map(() => r) };
    }
    const allocation = allocate(
      {
        remaining: known.remaining,
        perBuyerLimit: item.per_buyer_limit,
        heldByBuyer: known.heldByBuyer,
        priorByKey: known.priorByKey,
      },
      batch,
    );

    const expiresAt = new Date(now + item.hold_seconds * 1000).toISOString();
    const createdAt = new Date(now).toISOString();
    const fresh = new Map<number, Reservation>();
    const claims: WrittenClaim[] = [];
    allocation.outcomes.forEach((o, i) => {
      if (o.kind !== 'reserved') return;
      const intent = batch[i] as ClaimIntent;
      const reservation: Reservation = {
        id: newId('reservation'),
        saleId: item.sale_id,
        saleItemId: this.itemId,
        sku: item.sku,
        quantity: o.quantity,
        priceCents: item.price_cents,
        currency: item.currency,
        state: 'held',
        source: 'claim',
        expiresAt,
        createdAt,
        orderId: null,
      };
      fresh.set(i, reservation);
      claims.push({
        buyerId: intent.buyerId,
        idempotencyKey: intent.idempotencyKey,
        requestHash: intent.requestHash,
        reservation,
        remainingAfter: o.remainingAfter,
      });
    });
    const results = allocation.outcomes.map((o, i) => toResult(o, i, fresh, known.priorRows, item));
    if (allocation.taken === 0) return { results };
    return {
      results,
      write: {
        itemId: this.itemId,
        saleId: item.sale_id,
        sku: item.sku,
        priceCents: item.price_cents,
        currency: item.currency,
        base: known.stamp,
        batchId: newId('claimBatch'),
        eventId: newId('event'),
        taken: allocation.taken,
        remainingAfter: known.remaining - allocation.taken,
        expiresAt,
        createdAt,
        claims,
      },
    };
  }
}

function keysOf(batch: readonly ClaimIntent[]): BatchKeys {
  return { buyers: batch.map((i) => i.buyerId), keys: batch.map((i) => i.idempotencyKey) };
}

function toResult(
  o: Outcome,
  i: number,
  fresh: ReadonlyMap<number, Reservation>,
  priorRows: ReadonlyMap<string, Reservation>,
  item: Pick<ItemRow, 'sku'>,
): ClaimResult {
  switch (o.kind) {
    case 'reserved':
      return { ok: true, reservation: fresh.get(i) as Reservation, replayed: false };
    case 'replay_in_batch':
      return { ok: true, reservation: fresh.get(o.of) as Reservation, replayed: true };
    case 'replay':
      return { ok: true, reservation: priorRows.get(o.reservationId) as Reservation, replayed: true };
    case 'sold_out':
      return o.remaining === 0
        ? { ok: false, code: 'sold_out', message: 'Sold out', extra: { remaining: 0, sku: item.sku } }
        : {
            ok: false,
            code: 'sold_out',
            message: `Only ${o.remaining} left`,
            extra: { remaining: o.remaining, sku: item.sku },
          };
    case 'limit_exceeded':
      return {
        ok: false,
        code: 'limit_exceeded',
        message: `The limit is ${o.limit} per buyer`,
        extra: { limit: o.limit, alreadyHeld: o.alreadyHeld, sku: item.sku },
      };
    case 'idempotency_conflict':
      return {
        ok: false,
        code: 'idempotency_conflict',
        message: 'This idempotency key was already used for a different claim',
      };
  }
}
