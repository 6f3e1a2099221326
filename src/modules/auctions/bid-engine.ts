import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type AuctionConfig,
  type AuctionState,
  type Bid,
  type BidRefusal,
  minimumNextBid,
  placeBids,
} from '../../domain/auction.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import type { AuctionRow } from './types.ts';

export interface BidRequest {
  readonly auctionId: string;
  readonly bidderId: string;
  readonly amountCents: number;
  readonly idempotencyKey?: string;
}

export interface BidAccepted {
  readonly bid: { readonly id: string; readonly amountCents: number; readonly at: string };
  readonly endsAt: string;
  readonly extended: boolean;
  readonly nextMinimumCents: number;
  readonly replay: boolean;
}

interface Pending {
  readonly bid: Bid;
  resolve(v: BidAccepted): void;
  reject(e: unknown): void;
}

export const configOf = (a: AuctionRow): AuctionConfig => ({
  startCents: a.start_cents,
  incrementCents: a.increment_cents,
  startsAt: a.starts_at.getTime(),
  durationSeconds: a.duration_seconds,
  suddenDeath: a.sudden_death,
  ...(a.reserve_cents === null ? {} : { reserveCents: a.reserve_cents }),
  extendWindowSeconds: a.extend_window_seconds,
});

/** A bid retried with the same key is the same bid (the domain answers it with its first answer). */
export function bidId(auctionId: string, bidderId: string, key: string | undefined): string {
  if (!key) return newId('bid');
  return `bid_${createHash('sha256').update(`${auctionId}\u0000${bidderId}\u0000${key}`).digest('hex').slice(0, 16)}`;
}

/**
 * Bids, serialised like claims: per auction on this node, one writer that takes a batch, locks
 * the auction row (so batches of several nodes serialise in the database), judges the batch in
 * arrival order with the pure auction rules, writes the accepted bids and the new high, and only
 * then answers. The time of a bid is when this server received it: the server's end is the end.
 */
export class BidEngine {
  private readonly queues = new Map<string, { pending: Pending[]; running: boolean }>();

  constructor(private readonly o: { store: Store; clock: Clock; logger: Logger; onCommit: () => void }) {}

  bid(request: BidRequest): Promise<BidAccepted> {
    const bid: Bid = {
      id: bidId(request.auctionId, request.bidderId, request.idempotencyKey),
      bidderId: request.bidderId,
      amountCents: request.amountCents,
      at: this.o.clock.now(),
    };
    let q = this.queues.get(request.auctionId);
    if (!q) {
      q = { pending: [], running: false };
      this.queues.set(request.auctionId, q);
    }
    const queue = q;
    return new Promise((resolve, reject) => {
      queue.pending.push({ bid, resolve, reject });
      if (!queue.running) setImmediate(() => void this.flush(request.auctionId));
    });
  }

  private async flush(auctionId: string): Promise<void> {
    const q = this.queues.get(auctionId);
    if (!q || q.running || q.pending.length === 0) return;
    q.running = true;
    const batch = q.pending.splice(0, 500);
    try {
      const answers = await this.o.store.transaction((tx) => this.commit(tx, auctionId, batch));
      // After the commit, not inside the transaction: a wake before it finds nothing to read.
      if (answers.some((a) => !(a instanceof AppError) && !a.replay)) this.o.onCommit();
      for (const [i, a] of answers.entries()) {
        if (a instanceof AppError) batch[i]?.reject(a);
        else batch[i]?.resolve(a);
      }
    } catch (e) {
      this.o.logger.error({ err: toError(e), auction: auctionId }, 'bid batch failed');
      const err =
        e instanceof AppError
          ? e
          : new AppError('unavailable', 'Could not record the bid; retry with the same key', { cause: e });
      for (const p of batch) p.reject(err);
    } finally {
      q.running = false;
      if (q.pending.length > 0) setImmediate(() => void this.flush(auctionId));
      else this.queues.delete(auctionId);
    }
  }

  private async commit(tx: Sql, auctionId: string, batch: Pending[]): Promise<Array<BidAccepted | AppError>> {
    const [a] = await tx.query<AuctionRow>('select * from auctions where id = $1 for update', [auctionId]);
    if (!a) throw new AppError('not_found', 'No such auction');
    const known = await tx.query<{ id: string; bidder_id: string; amount_cents: number; at: Date }>(
      `select id, bidder_id, amount_cents, at from bids where auction_id = $1 and (id = any($2) or id = $3)`,
      [auctionId, batch.map((p) => p.bid.id), a.high_bid_id ?? ''],
    );
    const state: AuctionState = {
      endsAt: a.ends_at.getTime(),
      status: a.status === 'running' ? 'open' : 'closed',
      bids: known.map((b) => ({
        id: b.id,
        bidderId: b.bidder_id,
        amountCents: b.amount_cents,
        at: b.at.getTime(),
      })),
    };
    const config = configOf(a);
    const result = placeBids(
      config,
      state,
      batch.map((p) => p.bid),
    );
    const accepted = result.outcomes.flatMap((o) => (o.ok && !o.value.replay ? [o.value.bid] : []));
    const next = minimumNextBid(config, result.state);
    if (accepted.length > 0) {
      const top = accepted[accepted.length - 1] as Bid;
      await tx.query(
        `insert into bids (id, auction_id, bidder_id, amount_cents, at)
         select i, $1, b, c, t from unnest($2::text[], $3::text[], $4::int[], $5::timestamptz[]) as x(i, b, c, t)`,
        [
          auctionId,
          accepted.map((b) => b.id),
          accepted.map((b) => b.bidderId),
          accepted.map((b) => b.amountCents),
          accepted.map((b) => new Date(b.at)),
        ],
      );
      await tx.query(
        `update auctions set high_bid_id = $2, high_bidder_id = $3, high_cents = $4, ends_at = $5,
           bid_count = bid_count + $6, version = version + 1 where id = $1`,
        [auctionId, top.id, top.bidderId, top.amountCents, new Date(result.state.endsAt), accepted.length],
      );
      await appendEvents(tx, [
        {
          type: 'auction.bid',
          key: a.show_id,
          payload: {
            showId: a.show_id,
            auctionId,
            highCents: top.amountCents,
            highBidderId: top.bidderId,
            bidCount: a.bid_count + accepted.length,
            /** Bids accepted by this batch (the trending read model counts them). */
            accepted: accepted.length,
            endsAt: new Date(result.state.endsAt).toISOString(),
            nextMinimumCents: next,
            version: a.version + 1,
            reserveMet: a.reserve_cents === null || top.amountCents >= a.reserve_cents,
          },
        },
      ]);
    }
    return result.outcomes.map((o) =>
      o.ok
        ? {
            bid: {
              id: o.value.bid.id,
              amountCents: o.value.bid.amountCents,
              at: new Date(o.value.bid.at).toISOString(),
            },
            endsAt: new Date(o.value.endsAt).toISOString(),
            extended: o.value.extended,
            nextMinimumCents: next,
            replay: o.value.replay,
          }
        : new AppError(o.code, o.message, { extra: refusalExtra(o) }),
    );
  }
}

/** A refusal's facts for the problem body: times in ISO 8601 (the domain's are epoch ms), cents as is. */
function refusalExtra(o: BidRefusal): Record<string, unknown> {
  switch (o.code) {
    case 'auction_not_started':
      return { startsAt: new Date(o.extra.startsAt).toISOString() };
    case 'auction_ended':
      return { endsAt: new Date(o.extra.endsAt).toISOString() };
    default:
      return { ...o.extra };
  }
}
