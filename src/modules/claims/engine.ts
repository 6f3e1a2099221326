import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  allocate,
  type ClaimIntent,
  idempotencyKeyOf,
  type Outcome,
  type PriorReservation,
} from '../../domain/allocation.ts';
import { type SaleTiming, windowRefusal } from '../../domain/sale-status.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, type ErrorCode, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Sql, type Store } from '../../platform/store/store.ts';
import type { SalesService } from '../sales/service.ts';
import { type Reservation, type ReservationRow, toReservation } from './types.ts';

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

export interface ClaimMetrics {
  batch(size: number): void;
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
  readonly request: ClaimRequest;
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

interface LockedItem {
  sale_id: string;
  sku: string;
  remaining: number;
  per_buyer_limit: number;
  price_cents: number;
  currency: string;
  version: number;
  active: boolean;
  starts_at: Date;
  ends_at: Date;
  hold_seconds: number;
}

/** What a batch decided, ready to answer each claim once the transaction has committed. */
interface BatchDecision {
  readonly results: ClaimResult[];
  readonly wroteEvents: boolean;
  /**
   * The batch's write, sent but not awaited inside the transaction: the COMMIT queues right
   * behind it. If it failed, that COMMIT rolled the transaction back (PostgreSQL ends an aborted
   * transaction that way), so it is awaited after the commit and its error retries the batch.
   */
  readonly written?: Promise<unknown>;
}

const MAX_BATCH_ATTEMPTS = 3;

/**
 * A reservation found under an idempotency key, as the batch query returns it: the reservation
 * row in JSON (timestamps as text), with the key and request hash it was claimed under.
 */
interface PriorRow extends Omit<ReservationRow, 'expires_at' | 'created_at'> {
  key: string;
  hash: string;
  expires_at: string;
  created_at: string;
}

const priorToReservation = (r: PriorRow): Reservation =>
  toReservation({ ...r, expires_at: new Date(r.expires_at), created_at: new Date(r.created_at) });

export function requestHash(r: Pick<ClaimRequest, 'saleId' | 'sku' | 'quantity'>): string {
  return createHash('sha256')
    .update(`${r.saleId}\u0000${r.sku}\u0000${r.quantity}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The claim engine: one batched writer per sale item on this node.
 *
 * Claims for an item queue in memory for at most `batchWaitMs` (or until `batchMax` are waiting),
 * then one transaction locks the item row, allocates in arrival order (per-buyer limits,
 * idempotency keys), decrements stock once, inserts every reservation and its outbox event, and
 * commits. Only then are the callers answered: an acknowledged claim is durable. Batches from
 * several nodes on one item serialise on the row lock; `CHECK (remaining >= 0)` is the last
 * line against an oversell.
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
    return new Promise<ClaimResult>((resolve, reject) =>
      writer.enqueue({ intent, request, resolve, reject }),
    );
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
 * Batches in flight per item on one node. The second one waits on the item's row lock inside
 * the database, so it starts the moment the first commits, while this process is still sending
 * the first one's answers: the row is never idle waiting for a round trip. Allocation order is
 * still arrival order (the database grants the lock first come, first served).
 */
const MAX_IN_FLIGHT = 2;

class ItemWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Cancels the flush that is scheduled (a timer, or an immediate when no wait is due). */
  private cancelFlush: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly itemId: string,
    private readonly o: ClaimEngineOptions,
  ) {}

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
    const committed = this.commitWithRetry(batch);
    // The next batch may queue up behind this one right away (see MAX_IN_FLIGHT).
    this.schedule();
    void committed.then(
      (decision) => {
        this.done();
        if (decision.wroteEvents) this.o.onCommit();
        this.o.metrics?.batch(batch.length);
        decision.results.forEach((result, i) => {
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

  private async commitWithRetry(batch: Pending[]): Promise<BatchDecision> {
    for (let attempt = 1; ; attempt++) {
      try {
        const decision = await this.o.store.transaction((tx) => this.commit(tx, batch));
        await decision.written;
        return decision;
      } catch (e) {
        // A key used at the same moment on another item of the same buyer (unique index), or a
        // deadlock victim: the batch is re-read from scratch and decided again.
        const code = pgCode(e);
        const retryable =
          code === PG.uniqueViolation || code === PG.deadlockDetected || code === PG.serializationFailure;
        if (!retryable || attempt >= MAX_BATCH_ATTEMPTS) throw e;
      }
    }
  }

  private async commit(tx: Sql, batch: Pending[]): Promise<BatchDecision> {
    const now = this.o.clock.now();
    // Two statements sent back to back (the driver queues the second behind the first, with no
    // round trip through this process between them): the item's row lock, then what the
    // allocation needs — earlier reservations under these keys and what each buyer already holds
    // of this item. The second statement starts after the first has the lock, so it reads what
    // every earlier batch committed. Only one wait for the database while the row is locked.
    const locking = tx.query<LockedItem>(
      `select i.sale_id, i.sku, i.remaining, i.per_buyer_limit, i.price_cents, i.currency, i.version, i.active,
              s.starts_at, s.ends_at, s.hold_seconds
       from sale_items i join sales s on s.id = i.sale_id
       where i.id = $1 for update of i`,
      [this.itemId],
    );
    const knowing = tx.query<{ priors: PriorRow[] | null; held: Record<string, number> | null }>(
      `select
         (select json_agg(json_build_object('id', r.id, 'buyer_id', r.buyer_id, 'key', r.idempotency_key,
                   'hash', r.request_hash, 'sale_id', r.sale_id, 'sale_item_id', r.sale_item_id, 'sku', r.sku,
                   'quantity', r.quantity, 'price_cents', r.price_cents, 'currency', r.currency, 'state', r.state,
                   'source', r.source, 'expires_at', r.expires_at, 'created_at', r.created_at, 'order_id', r.order_id))
          from reservations r
          join unnest($1::text[], $2::text[]) as k(buyer, key) on r.buyer_id = k.buyer and r.idempotency_key = k.key
         ) as priors,
         (select json_object_agg(buyer_id, units) from (
            select buyer_id, sum(quantity)::int as units from reservations
            where buyer_id = any($1) and sale_item_id = $3 and state in ('held', 'checked_out')
            group by buyer_id) h
         ) as held`,
      [batch.map((p) => p.intent.buyerId), batch.map((p) => p.intent.idempotencyKey), this.itemId],
    );
    const [[item], [known]] = await Promise.all([locking, knowing]);
    if (!item) throw new Error(`sale item ${this.itemId} vanished`);
    const timing = { startsAt: item.starts_at.getTime(), endsAt: item.ends_at.getTime() };
    const refusal = windowRefusal(timing, now);
    if (refusal) {
      const r = windowResult(refusal, timing);
      return { results: batch.map(() => r), wroteEvents: false };
    }
    if (!item.active) {
      const r: ClaimResult = { ok: false, code: 'ended', message: 'This item is no longer on sale' };
      return { results: batch.map(() => r), wroteEvents: false };
    }

    const priorByKey = new Map<string, PriorReservation>();
    const priorRows = new Map<string, Reservation>();
    for (const r of known?.priors ?? []) {
      priorByKey.set(idempotencyKeyOf(r.buyer_id, r.key), { reservationId: r.id, requestHash: r.hash });
      priorRows.set(r.id, priorToReservation(r));
    }
    const allocation = allocate(
      {
        remaining: item.remaining,
        perBuyerLimit: item.per_buyer_limit,
        heldByBuyer: new Map(Object.entries(known?.held ?? {})),
        priorByKey,
      },
      batch.map((p) => p.intent),
    );

    const expiresAt = new Date(now + item.hold_seconds * 1000);
    const createdAt = new Date(now);
    const version = item.version + 1;
    const fresh = new Map<number, Reservation>();
    const rows: Array<{ i: number; reservation: Reservation; remainingAfter: number }> = [];
    allocation.outcomes.forEach((o, i) => {
      if (o.kind !== 'reserved') return;
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
        expiresAt: expiresAt.toISOString(),
        createdAt: createdAt.toISOString(),
        orderId: null,
      };
      fresh.set(i, reservation);
      rows.push({ i, reservation, remainingAfter: o.remainingAfter });
    });

    let written: Promise<unknown> | undefined;
    if (allocation.taken > 0) {
      // One statement: the stock, every reservation, and one `sale.claimed` event for the whole
      // batch (built here from the same arrays, in arrival order). One event per batch, not per
      // claim: the outbox costs a row per commit, and readers want the batch's final stock anyway.
      // Not awaited here (see BatchDecision.written): the row lock is released one round trip
      // sooner.
      written = tx.query(
        `with upd as (
           update sale_items set remaining = remaining - $2, version = $3 where id = $1 returning 1
         ), batch as (
           select * from unnest($10::text[], $11::text[], $12::int[], $13::text[], $14::text[], $15::int[])
             with ordinality as b(id, buyer, qty, key, hash, rem, n)
         ), res as (
           insert into reservations (id, sale_id, sale_item_id, buyer_id, sku, quantity, price_cents, currency, state,
                                     idempotency_key, request_hash, expires_at, created_at)
           select id, $4, $1, buyer, $5, qty, $6, $7, 'held', key, hash, $8, $9 from batch
         )
         insert into events (id, type, key, payload)
         select $16, 'sale.claimed', $4,
                json_build_object('saleId', $4::text, 'itemId', $1::text, 'sku', $5::text, 'itemVersion', $3::int8,
                  'remaining', $17::int, 'expiresAt', $18::text,
                  'reservations', json_agg(json_build_object('id', id, 'buyerId', buyer, 'quantity', qty, 'remaining', rem)
                                           order by n))
         from batch`,
        [
          this.itemId,
          allocation.taken,
          version,
          item.sale_id,
          item.sku,
          item.price_cents,
          item.currency,
          expiresAt,
          createdAt,
          rows.map((r) => r.reservation.id),
          rows.map((r) => batch[r.i]?.intent.buyerId),
          rows.map((r) => r.reservation.quantity),
          rows.map((r) => batch[r.i]?.intent.idempotencyKey),
          rows.map((r) => batch[r.i]?.intent.requestHash),
          rows.map((r) => r.remainingAfter),
          newId('event'),
          item.remaining - allocation.taken,
          expiresAt.toISOString(),
        ],
      );
      written.catch(() => {});
    }

    const results = allocation.outcomes.map((o, i): ClaimResult => toResult(o, i, fresh, priorRows, item));
    return { results, wroteEvents: allocation.taken > 0, ...(written !== undefined ? { written } : {}) };
  }
}

function toResult(
  o: Outcome,
  i: number,
  fresh: ReadonlyMap<number, Reservation>,
  priorRows: ReadonlyMap<string, Reservation>,
  item: LockedItem,
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
