import { rank, TRENDING_HALF_LIFE_MS } from '../../domain/trending.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Store } from '../../platform/store/store.ts';
import type { Sale, SalesService } from '../sales/index.ts';
import type { Show, ShowsService } from '../shows/index.ts';
import type { TrendingKind } from './consumer.ts';

/** Heat this cold is forgotten (2 days: ~290 half-lives, far below anything shown). */
const FORGET_AFTER_MS = 2 * 86_400_000;
/** Only things warmed this recently can still rank (3 hours: 18 half-lives). */
const RECENT_MS = 3 * 3_600_000;
/** Candidates read per kind before ranking (the hottest are always among the most recent). */
const CANDIDATES = 500;
/**
 * One answer per `limit` serves every caller for this long: the home page of every buyer asks,
 * and heat moves on a scale of minutes.
 */
const ANSWER_TTL_MS = 2_000;

export interface Trending {
  readonly halfLifeMinutes: number;
  readonly sales: Array<{ readonly heat: number; readonly sale: Sale }>;
  readonly shows: Array<{ readonly heat: number; readonly show: Show }>;
  readonly tags: Array<{ readonly tag: string; readonly heat: number }>;
  readonly serverTime: string;
}

/** What is hot now: sales and shows not ended, and hashtags, by their decaying heat. */
export class TrendingService {
  /** By `limit` (a handful of values: the schema bounds it). */
  private readonly answers: Cache<number, { at: number; answer: Promise<Trending> }>;

  constructor(private readonly o: { store: Store; clock: Clock; sales: SalesService; shows: ShowsService }) {
    this.answers = createCache({ max: 100, ttlMs: ANSWER_TTL_MS, clock: o.clock });
  }

  /** What is hot now (an answer at most ANSWER_TTL_MS old; callers at the same moment share one). */
  now(limit: number): Promise<Trending> {
    const now = this.o.clock.now();
    const kept = this.answers.get(limit);
    // A clock set back does not keep an answer from the "future".
    if (kept && now >= kept.at) return kept.answer;
    const answer = this.compute(limit, now);
    this.answers.set(limit, { at: now, answer });
    // A failed read is not kept.
    answer.catch(() => {
      if (this.answers.peek(limit)?.answer === answer) this.answers.delete(limit);
    });
    return answer;
  }

  private async compute(limit: number, now: number): Promise<Trending> {
    const [sales, shows, tags] = await Promise.all(
      (['sale', 'show', 'tag'] as const).map((kind) => this.ranked(kind, now)),
    );
    const liveSales: Trending['sales'] = [];
    for (const r of sales ?? []) {
      if (liveSales.length >= limit) break;
      const sale = await this.o.sales.get(r.key);
      if (sale && sale.status !== 'ended') liveSales.push({ heat: round(r.heat), sale });
    }
    const liveShows: Trending['shows'] = [];
    for (const r of shows ?? []) {
      if (liveShows.length >= limit) break;
      const show = await this.o.shows.get(r.key);
      if (show && show.status !== 'ended') liveShows.push({ heat: round(r.heat), show });
    }
    return {
      halfLifeMinutes: TRENDING_HALF_LIFE_MS / 60_000,
      sales: liveSales,
      shows: liveShows,
      tags: (tags ?? []).slice(0, limit).map((r) => ({ tag: r.key, heat: round(r.heat) })),
      serverTime: new Date(now).toISOString(),
    };
  }

  /** Drops heat long gone cold (a periodic chore). */
  async forgetCold(): Promise<number> {
    const rows = await this.o.store.query('delete from trending where at < $1 returning 1', [
      new Date(this.o.clock.now() - FORGET_AFTER_MS),
    ]);
    return rows.length;
  }

  private async ranked(kind: TrendingKind, now: number) {
    const rows = await this.o.store.query<{ key: string; score: number; at: Date }>(
      `select key, score, at from trending where kind = $1 and at > $2 order by at desc limit $3`,
      [kind, new Date(now - RECENT_MS), CANDIDATES],
    );
    return rank(
      rows.map((r) => ({ key: r.key, heat: { score: Number(r.score), at: r.at.getTime() } })),
      now,
      // Ended ones are skipped after ranking: read a few more than asked.
      { limit: CANDIDATES },
    );
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
