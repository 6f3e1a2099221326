import { randomBytes, randomInt } from 'node:crypto';
import {
  canonical,
  commitment,
  FAIR_DRAW_ALGORITHM,
  verifyDrawRecord,
  winnerIndex,
} from '../../domain/fair-draw.ts';
import {
  drawProof,
  drawWinner,
  type EnterResult,
  enter,
  sortEntrants,
  verifyDraw,
  wasEntered,
} from '../../domain/giveaway.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { createAwardOrder } from '../orders/index.ts';
import { authorize, offerInShow } from '../policy/index.ts';
import { type ShowsService, showFacts } from './service.ts';

export const GIVEAWAY_SUBJECT = 'show.giveaway';

export interface GiveawayView {
  readonly id: string;
  readonly showId: string;
  readonly sku: string;
  readonly title: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly status: 'open' | 'drawn' | 'no_entries';
  readonly entrants: number;
  readonly winnerId: string | null;
  readonly orderId: string | null;
  /** sha256 of the draw's secret seed, published from the opening (commit–reveal; null for old giveaways). */
  readonly seedHash: string | null;
}

interface GiveawayRow {
  id: string;
  show_id: string;
  sku: string;
  title: string;
  opens_at: Date;
  closes_at: Date;
  status: GiveawayView['status'];
  winner_id: string | null;
  order_id: string | null;
  entrant_count: number | null;
  entrants_hash: string | null;
  winner_index: number | null;
  seed: string | null;
  seed_hash: string | null;
  entries: number;
}

/**
 * Giveaways: viewers enter during a window; the winner is drawn with a cryptographically secure
 * choice (crypto.randomInt) among the entrants only; the prize becomes an order at price 0; the
 * draw publishes a proof (entrant count, a hash of the sorted entrant list, the winner's index)
 * that anyone can check, and each viewer can check that they were in it.
 */
export class GiveawaysService {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly shows: ShowsService,
    private readonly onCommit: () => void,
  ) {}

  private async row(id: string, sql: Sql = this.store): Promise<GiveawayRow | undefined> {
    const [row] = await sql.query<GiveawayRow>(
      `select g.*, (select count(*)::int from giveaway_entries e where e.giveaway_id = g.id) as entries
       from giveaways g where g.id = $1`,
      [id],
    );
    return row;
  }

  private view(r: GiveawayRow): GiveawayView {
    return {
      id: r.id,
      showId: r.show_id,
      sku: r.sku,
      title: r.title,
      opensAt: r.opens_at.toISOString(),
      closesAt: r.closes_at.toISOString(),
      status: r.status,
      entrants: r.entrant_count ?? r.entries,
      winnerId: r.winner_id,
      orderId: r.order_id,
      seedHash: r.seed_hash,
    };
  }

  async get(id: string): Promise<GiveawayView | undefined> {
    const row = await this.row(id);
    return row ? this.view(row) : undefined;
  }

  async current(showId: string): Promise<GiveawayView | undefined> {
    const [latest] = await this.store.query<{ id: string }>(
      'select id from giveaways where show_id = $1 order by created_at desc limit 1',
      [showId],
    );
    return latest ? this.get(latest.id) : undefined;
  }

  async open(
    actor: Principal,
    showId: string,
    input: { sku: string; durationSeconds: number },
  ): Promise<GiveawayView> {
    const show = await this.shows.owned(actor, showId);
    if (show.status === 'ended') throw new AppError('show_ended', 'This show has ended');
    const [variant] = await this.store.query<{ title: string; product_title: string; host_id: string }>(
      `select v.title, p.title as product_title, p.host_id from variants v join products p on p.id = v.product_id where v.sku = $1`,
      [input.sku],
    );
    if (!variant)
      throw new AppError('unknown_sku', `No product variant has SKU ${input.sku}`, {
        extra: { sku: input.sku },
      });
    // The prize must be the show host's own goods, even when an admin opens the giveaway.
    authorize(offerInShow(actor, showFacts(show), { sku: input.sku, hostId: variant.host_id }));
    const id = newId('giveaway');
    const now = this.clock.now();
    // Commit now, reveal after the draw: the seed is fixed before anyone enters (domain/fair-draw.ts).
    const seed = randomBytes(32).toString('hex');
    await this.store.transaction(async (tx) => {
      await tx.query(
        `insert into giveaways (id, show_id, sku, title, opens_at, closes_at, status, seed, seed_hash)
         values ($1, $2, $3, $4, $5, $6, 'open', $7, $8)`,
        [
          id,
          showId,
          input.sku,
          `${variant.product_title} — ${variant.title}`,
          new Date(now),
          new Date(now + input.durationSeconds * 1000),
          seed,
          commitment(seed),
        ],
      );
      await appendEvents(tx, [{ type: 'giveaway.opened', key: showId, payload: { showId, giveawayId: id } }]);
    });
    this.onCommit();
    return (await this.get(id)) as GiveawayView;
  }

  async enter(
    viewerId: string,
    giveawayId: string,
  ): Promise<{ entered: true; alreadyEntered: boolean; giveaway: GiveawayView }> {
    const row = await this.row(giveawayId);
    if (!row) throw new AppError('not_found', 'No such giveaway');
    await this.shows.assertTakesPart(row.show_id, viewerId);
    const now = this.clock.now();
    const verdict = enter(
      { opensAt: row.opens_at.getTime(), closesAt: row.status === 'open' ? row.closes_at.getTime() : 0 },
      (await this.entered(giveawayId, viewerId)) ? new Set([viewerId]) : new Set(),
      viewerId,
      now,
    );
    if (!verdict.ok) throw closedError(verdict, row);
    let alreadyEntered = verdict.value.alreadyEntered;
    if (!alreadyEntered) {
      // The entry is written only while the giveaway is still open, checked under a share lock of
      // its row: a draw (which holds the row for update) either sees this entry or refuses it.
      // Checking first and inserting after let an entry land behind a draw that had just
      // committed: answered "entered", left out of the draw, and the proof no longer verified.
      const added = await this.store.query(
        `insert into giveaway_entries (giveaway_id, viewer_id)
         select id, $2 from giveaways where id = $1 and status = 'open' and opens_at <= $3 and closes_at > $3
         for share
         on conflict do nothing returning viewer_id`,
        [giveawayId, viewerId, new Date(now)],
      );
      if (added.length === 0) {
        // Either this viewer's other request entered first, or the giveaway closed meanwhile.
        if (!(await this.entered(giveawayId, viewerId))) {
          const closed = (await this.row(giveawayId)) as GiveawayRow;
          throw closedError(
            enter({ opensAt: closed.opens_at.getTime(), closesAt: 0 }, new Set(), viewerId, now),
            closed,
          );
        }
        alreadyEntered = true;
      } else {
        this.bus.publish(GIVEAWAY_SUBJECT, { showId: row.show_id, giveawayId });
      }
    }
    return {
      entered: true,
      alreadyEntered,
      giveaway: this.view({ ...row, entries: row.entries + (alreadyEntered ? 0 : 1) }),
    };
  }

  private async entered(giveawayId: string, viewerId: string): Promise<boolean> {
    const rows = await this.store.query(
      'select 1 from giveaway_entries where giveaway_id = $1 and viewer_id = $2',
      [giveawayId, viewerId],
    );
    return rows.length > 0;
  }

  /** Closes the window (if still open) and draws among the entrants; the prize is a free order. */
  async draw(actor: Principal, giveawayId: string): Promise<GiveawayView> {
    const found = await this.row(giveawayId);
    if (!found) throw new AppError('not_found', 'No such giveaway');
    await this.shows.owned(actor, found.show_id);
    if (found.status !== 'open') return this.view(found);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const [row] = await tx.query<GiveawayRow>(
        `select *, 0 as entries from giveaways where id = $1 for update`,
        [giveawayId],
      );
      if (row?.status !== 'open') return;
      const entrants = (
        await tx.query<{ viewer_id: string }>(
          'select viewer_id from giveaway_entries where giveaway_id = $1',
          [giveawayId],
        )
      ).map((e) => e.viewer_id);
      const winner = row.seed ? seededWinner(row.seed, entrants) : drawWinner(entrants, randomInt);
      if (!winner) {
        await tx.query(
          `update giveaways set status = 'no_entries', closes_at = least(closes_at, $2), entrant_count = 0 where id = $1`,
          [giveawayId, new Date(now)],
        );
        await appendEvents(tx, [
          {
            type: 'giveaway.drawn',
            key: row.show_id,
            payload: { showId: row.show_id, giveawayId, winnerId: null },
          },
        ]);
        return;
      }
      const proof = drawProof(entrants, winner.winnerId);
      // The prize: an order at price 0, already paid, asked of the orders module in this transaction.
      const prize = { source: 'giveaway', buyerId: winner.winnerId, sku: row.sku, title: row.title } as const;
      const orderId = await createAwardOrder(tx, prize, now);
      await tx.query(
        `update giveaways set status = 'drawn', closes_at = least(closes_at, $2), winner_id = $3, order_id = $4,
           entrant_count = $5, entrants_hash = $6, winner_index = $7 where id = $1`,
        [
          giveawayId,
          new Date(now),
          winner.winnerId,
          orderId,
          proof.entrantCount,
          proof.entrantsHash,
          proof.winnerIndex,
        ],
      );
      await appendEvents(tx, [
        {
          type: 'giveaway.drawn',
          key: row.show_id,
          payload: { showId: row.show_id, giveawayId, winnerId: winner.winnerId, orderId },
        },
      ]);
    });
    this.onCommit();
    return (await this.get(giveawayId)) as GiveawayView;
  }

  /** The draw's proof, with the sorted entrant list it was made from, and whether `viewerId` was in it. */
  async proof(giveawayId: string, viewerId?: string) {
    const row = await this.row(giveawayId);
    if (!row) throw new AppError('not_found', 'No such giveaway');
    const sorted = sortEntrants(
      (
        await this.store.query<{ viewer_id: string }>(
          'select viewer_id from giveaway_entries where giveaway_id = $1',
          [giveawayId],
        )
      ).map((e) => e.viewer_id),
    );
    const drawn =
      row.status === 'drawn' && row.winner_id && row.entrants_hash !== null && row.winner_index !== null;
    return {
      giveawayId,
      status: row.status,
      entrantCount: sorted.length,
      entrantsHash: row.entrants_hash,
      winnerIndex: row.winner_index,
      winnerId: row.winner_id,
      entrants: sorted,
      algorithm: row.seed_hash ? FAIR_DRAW_ALGORITHM : 'crypto.randomInt',
      seedHash: row.seed_hash,
      // Revealed only once the draw is made; until then it would let anyone predict the winner.
      seed: row.status === 'open' ? null : row.seed,
      verified: drawn ? this.verify(row, sorted) : null,
      ...(viewerId ? { youEntered: wasEntered(sorted, viewerId) } : {}),
    };
  }

  private verify(row: GiveawayRow, sorted: string[]): boolean {
    if (row.seed && row.seed_hash)
      return verifyDrawRecord({
        seed: row.seed,
        seedHash: row.seed_hash,
        entrants: sorted,
        entrantsHash: row.entrants_hash as string,
        winnerIndex: row.winner_index as number,
        winnerId: row.winner_id as string,
      }).ok;
    return verifyDraw(
      sorted,
      {
        entrantCount: row.entrant_count ?? 0,
        entrantsHash: row.entrants_hash as string,
        winnerIndex: row.winner_index as number,
      },
      row.winner_id as string,
    );
  }
}

/** The winner a committed seed picks among the distinct entrants. */
function seededWinner(
  seed: string,
  entrants: readonly string[],
): { winnerId: string; winnerIndex: number } | undefined {
  const sorted = canonical(entrants);
  if (sorted.length === 0) return undefined;
  const index = winnerIndex(seed, sorted);
  return { winnerId: sorted[index] as string, winnerIndex: index };
}

/**
 * The refusal of an entry. The row's window, not the verdict's: a drawn giveaway is judged as
 * closed at 0, but it closed at the draw (closes_at was moved there).
 */
function closedError(verdict: EnterResult, row: GiveawayRow): AppError {
  const message = verdict.ok ? 'The giveaway is closed' : verdict.message;
  return new AppError('giveaway_closed', message, {
    extra: { opensAt: row.opens_at.toISOString(), closesAt: row.closes_at.toISOString() },
  });
}
