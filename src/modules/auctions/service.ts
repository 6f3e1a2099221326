import type { Logger } from 'pino';
import {
  createAuction,
  DEFAULT_EXTEND_WINDOW_SECONDS,
  minimumNextBid,
  settle,
} from '../../domain/auction.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Sql, type Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { createAwardOrder } from '../orders/index.ts';
import { authorize, bid, offerInShow } from '../policy/index.ts';
import { type ShowsService, showFacts } from '../shows/index.ts';
import { configOf } from './bid-engine.ts';
import type { AuctionRow, AuctionView, NewAuction } from './types.ts';

/**
 * Live auctions of a show: started by the host on a product of theirs, settled by the server's
 * clock (one winner: the highest valid bid, ties to the earlier), an order pending payment for the
 * winner; if that payment fails, the runner-up is offered the item at their last bid.
 */
export class AuctionsService {
  private timer: NodeJS.Timeout | undefined;
  private settling = false;

  constructor(
    private readonly o: {
      store: Store;
      clock: Clock;
      logger: Logger;
      shows: ShowsService;
      onCommit: () => void;
    },
  ) {}

  /** The policy on a bid: the auction exists, the bidder is not its show's host, nor banned from it. */
  async authorizeBid(actor: Principal, auctionId: string): Promise<void> {
    const [a] = await this.o.store.query<{ show_id: string }>('select show_id from auctions where id = $1', [
      auctionId,
    ]);
    const facts = a ? await this.o.shows.facts(a.show_id) : undefined;
    if (!a || !facts) throw new AppError('not_found', 'No such auction');
    const banned = await this.o.shows.bannedIn(a.show_id, actor.id);
    authorize(bid(actor, facts, banned));
  }

  view(a: AuctionRow): AuctionView {
    const config = configOf(a);
    const bids = a.high_bid_id
      ? [
          {
            id: a.high_bid_id,
            bidderId: a.high_bidder_id as string,
            amountCents: a.high_cents as number,
            at: 0,
          },
        ]
      : [];
    return {
      id: a.id,
      showId: a.show_id,
      sku: a.sku,
      title: a.title,
      currency: a.currency,
      startCents: a.start_cents,
      incrementCents: a.increment_cents,
      reserve: {
        set: a.reserve_cents !== null,
        met: a.reserve_cents === null || (a.high_cents ?? -1) >= a.reserve_cents,
      },
      suddenDeath: a.sudden_death,
      startsAt: a.starts_at.toISOString(),
      endsAt: a.ends_at.toISOString(),
      status: a.status,
      highCents: a.high_cents,
      highBidderId: a.high_bidder_id,
      bidCount: a.bid_count,
      nextMinimumCents: minimumNextBid(config, { endsAt: a.ends_at.getTime(), status: 'open', bids }),
      winnerId: a.winner_id,
      orderId: a.order_id,
      serverTime: new Date(this.o.clock.now()).toISOString(),
    };
  }

  async get(id: string, sql: Sql = this.o.store): Promise<AuctionView | undefined> {
    const [row] = await sql.query<AuctionRow>('select * from auctions where id = $1', [id]);
    return row ? this.view(row) : undefined;
  }

  /** The show's running auction, or its last one. */
  async current(showId: string): Promise<AuctionView | undefined> {
    const [row] = await this.o.store.query<AuctionRow>(
      `select * from auctions where show_id = $1 order by (status = 'running') desc, created_at desc limit 1`,
      [showId],
    );
    return row ? this.view(row) : undefined;
  }

  async bids(auctionId: string, limit = 50) {
    const rows = await this.o.store.query<{
      id: string;
      bidder_id: string;
      name: string | null;
      amount_cents: number;
      at: Date;
    }>(
      `select b.id, b.bidder_id, u.name, b.amount_cents, b.at from bids b left join users u on u.id = b.bidder_id
       where b.auction_id = $1 order by b.amount_cents desc, b.at limit $2`,
      [auctionId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      bidderId: r.bidder_id,
      bidderName: r.name ?? 'Bidder',
      amountCents: r.amount_cents,
      at: r.at.toISOString(),
    }));
  }

  async start(actor: Principal, showId: string, input: NewAuction): Promise<AuctionView> {
    const show = await this.o.shows.owned(actor, showId);
    if (show.status !== 'live') throw new AppError('show_not_live', 'Auctions run while the show is live');
    const now = this.o.clock.now();
    const created = createAuction({
      startCents: input.startCents,
      incrementCents: input.incrementCents,
      startsAt: now,
      durationSeconds: input.durationSeconds,
      suddenDeath: input.suddenDeath,
      ...(input.reserveCents === undefined ? {} : { reserveCents: input.reserveCents }),
      extendWindowSeconds: input.extendWindowSeconds ?? DEFAULT_EXTEND_WINDOW_SECONDS,
    });
    if (!created.ok) throw new AppError(created.code, created.message, { extra: { ...created.extra } });
    const [variant] = await this.o.store.query<{
      title: string;
      product_title: string;
      currency: string;
      host_id: string;
    }>(
      `select v.title, p.title as product_title, v.currency, p.host_id from variants v join products p on p.id = v.product_id where v.sku = $1`,
      [input.sku],
    );
    if (!variant)
      throw new AppError('unknown_sku', `No product variant has SKU ${input.sku}`, {
        extra: { sku: input.sku },
      });
    authorize(offerInShow(actor, showFacts(show), { sku: input.sku, hostId: variant.host_id }));
    const id = newId('auction');
    try {
      await this.o.store.transaction(async (tx) => {
        await tx.query(
          `insert into auctions (id, show_id, sku, title, currency, start_cents, increment_cents, reserve_cents, duration_seconds,
                                 sudden_death, extend_window_seconds, starts_at, ends_at, status)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'running')`,
          [
            id,
            showId,
            input.sku,
            variant.title === variant.product_title
              ? variant.title
              : `${variant.product_title} — ${variant.title}`,
            variant.currency,
            input.startCents,
            input.incrementCents,
            input.reserveCents ?? null,
            input.durationSeconds,
            input.suddenDeath,
            input.extendWindowSeconds ?? DEFAULT_EXTEND_WINDOW_SECONDS,
            new Date(now),
            new Date(created.value.endsAt),
          ],
        );
        await appendEvents(tx, [
          { type: 'auction.started', key: showId, payload: { showId, auctionId: id } },
        ]);
      });
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation)
        throw new AppError('auction_running', 'An auction is already running in this show');
      throw e;
    }
    this.o.onCommit();
    return (await this.get(id)) as AuctionView;
  }

  startSettling(intervalMs = 250): void {
    this.timer = setInterval(() => void this.settleDue(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.settling) await new Promise((r) => setTimeout(r, 10));
  }

  /** Settles every running auction whose end (on this server's clock) has passed. */
  async settleDue(): Promise<number> {
    if (this.settling) return 0;
    this.settling = true;
    let settled = 0;
    try {
      const due = await this.o.store.query<{ id: string }>(
        `select id from auctions where status = 'running' and ends_at <= $1 order by ends_at limit 50`,
        [new Date(this.o.clock.now())],
      );
      for (const { id } of due) if (await this.settleOne(id)) settled += 1;
      if (settled > 0) this.o.onCommit();
    } catch (e) {
      this.o.logger.warn({ err: toError(e) }, 'auction settlement failed; will retry');
    } finally {
      this.settling = false;
    }
    return settled;
  }

  private async settleOne(id: string): Promise<boolean> {
    const now = this.o.clock.now();
    return this.o.store.transaction(async (tx) => {
      const [a] = await tx.query<AuctionRow>(
        `select * from auctions where id = $1 and status = 'running' for update skip locked`,
        [id],
      );
      if (!a || a.ends_at.getTime() > now) return false;
      const bids = await this.allBids(tx, id);
      const result = settle(configOf(a), { endsAt: a.ends_at.getTime(), status: 'closed', bids });
      if (result.outcome !== 'sold') {
        await tx.query('update auctions set status = $2, version = version + 1 where id = $1', [
          id,
          result.outcome,
        ]);
        await appendEvents(tx, [
          {
            type: 'auction.settled',
            key: a.show_id,
            payload: { showId: a.show_id, auctionId: id, outcome: result.outcome },
          },
        ]);
        return true;
      }
      const orderId = await this.orderFor(tx, a, result.winner.bidderId, result.winner.amountCents, now);
      await tx.query(
        `update auctions set status = 'sold', winner_id = $2, order_id = $3, offered_to = $4::jsonb, version = version + 1 where id = $1`,
        [id, result.winner.bidderId, orderId, JSON.stringify([result.winner.bidderId])],
      );
      await appendEvents(tx, [
        {
          type: 'auction.settled',
          key: a.show_id,
          payload: {
            showId: a.show_id,
            auctionId: id,
            outcome: 'sold',
            winnerId: result.winner.bidderId,
            amountCents: result.winner.amountCents,
            orderId,
          },
        },
      ]);
      return true;
    });
  }

  private async allBids(tx: Sql, auctionId: string) {
    const rows = await tx.query<{ id: string; bidder_id: string; amount_cents: number; at: Date }>(
      'select id, bidder_id, amount_cents, at from bids where auction_id = $1 order by at, id',
      [auctionId],
    );
    return rows.map((b) => ({
      id: b.id,
      bidderId: b.bidder_id,
      amountCents: b.amount_cents,
      at: b.at.getTime(),
    }));
  }

  /** An order pending payment for the auctioned item, asked of the orders module in this transaction. */
  private orderFor(tx: Sql, a: AuctionRow, buyerId: string, cents: number, now: number): Promise<string> {
    const award = {
      source: 'auction',
      buyerId,
      sku: a.sku,
      title: a.title,
      priceCents: cents,
      currency: a.currency,
    } as const;
    return createAwardOrder(tx, award, now);
  }

  /** The winner's payment failed: the runner-up is offered the item at their last bid (once). */
  async onPaymentFailed(orderId: string): Promise<void> {
    const now = this.o.clock.now();
    const offered = await this.o.store.transaction(async (tx) => {
      const [a] = await tx.query<AuctionRow>(
        `select * from auctions where order_id = $1 and status = 'sold' for update`,
        [orderId],
      );
      if (!a) return false;
      const bids = await this.allBids(tx, a.id);
      const already = new Set(a.offered_to);
      const next = bids
        .filter(
          (b) => !already.has(b.bidderId) && (a.reserve_cents === null || b.amountCents >= a.reserve_cents),
        )
        .sort((x, y) => y.amountCents - x.amountCents || x.at - y.at)[0];
      // Only the runner-up of the original result is offered; after that the item is unsold.
      if (!next || already.size >= 2) {
        await tx.query(`update auctions set status = 'unpaid', version = version + 1 where id = $1`, [a.id]);
        await appendEvents(tx, [
          {
            type: 'auction.settled',
            key: a.show_id,
            payload: { showId: a.show_id, auctionId: a.id, outcome: 'unpaid' },
          },
        ]);
        return true;
      }
      const newOrder = await this.orderFor(tx, a, next.bidderId, next.amountCents, now);
      await tx.query(
        `update auctions set winner_id = $2, order_id = $3, offered_to = $4::jsonb, version = version + 1 where id = $1`,
        [a.id, next.bidderId, newOrder, JSON.stringify([...already, next.bidderId])],
      );
      await appendEvents(tx, [
        {
          type: 'auction.offered',
          key: a.show_id,
          payload: {
            showId: a.show_id,
            auctionId: a.id,
            buyerId: next.bidderId,
            amountCents: next.amountCents,
            orderId: newOrder,
          },
        },
      ]);
      return true;
    });
    if (offered) this.o.onCommit();
  }
}
