import { createHash } from 'node:crypto';
import type { ClaimIntent } from '../../domain/allocation.ts';
import { windowRefusal } from '../../domain/sale-status.ts';
import { createCache } from '../../platform/cache.ts';
import { AppError } from '../../platform/errors.ts';
import { windowResult } from './decide.ts';
import type { ClaimEngineOptions, ClaimRequest, ClaimResult } from './engine-types.ts';
import { ItemQueue } from './item-queue.ts';

export type {
  BatchPath,
  ClaimEngineOptions,
  ClaimMetrics,
  ClaimRequest,
  ClaimResult,
} from './engine-types.ts';

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
  private readonly queues = new Map<string, ItemQueue>();

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

    let queue = this.queues.get(item.id);
    if (!queue) {
      queue = new ItemQueue(item.id, this.o);
      this.queues.set(item.id, queue);
    }
    const intent: ClaimIntent = {
      buyerId: request.buyerId,
      quantity: request.quantity,
      idempotencyKey: request.idempotencyKey,
      requestHash: requestHash(request),
    };
    return new Promise<ClaimResult>((resolve, reject) => queue.enqueue({ intent, resolve, reject }));
  }

  /** Waits for every queued batch to commit (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.idle()));
  }
}
