/**
 * Trending as pure math: every signal (a unit claimed, a buyer joining a waitlist, a bid) adds
 * heat to what it concerns (a sale, a show, a hashtag), and heat halves every half-life. A heat
 * is kept as its score as of its last signal, so a read model stores two numbers per thing, and
 * signals combine in any order to the same value (redelivered or parallel batches agree).
 */

/** Heat halves every 10 minutes: "trending now" follows the last half hour or so. */
export const TRENDING_HALF_LIFE_MS = 10 * 60_000;

/** What each signal is worth. Demand that could not be served counts more than a unit sold. */
export const SIGNAL_WEIGHTS = {
  /** Per unit claimed. */
  unitClaimed: 1,
  /** Per unit asked for on a sold-out item's waitlist. */
  waitlistUnit: 2,
  /** Per bid accepted in a live auction. */
  bid: 2,
} as const;

/** A decaying score: `score` as of instant `at` (epoch ms). */
export interface Heat {
  readonly score: number;
  readonly at: number;
}

/** The heat at `now`: its score halved for every half-life since `at` (never more than its score). */
export function heatAt(h: Heat, now: number, halfLife = TRENDING_HALF_LIFE_MS): number {
  if (now <= h.at) return h.score;
  return h.score * 2 ** (-(now - h.at) / halfLife);
}

/** Two heats of one thing as one, as of the later of their instants. Commutative and associative. */
export function combine(a: Heat, b: Heat, halfLife = TRENDING_HALF_LIFE_MS): Heat {
  const at = Math.max(a.at, b.at);
  return { score: heatAt(a, at, halfLife) + heatAt(b, at, halfLife), at };
}

/** A heat with a signal of `amount` at `at` added (to nothing yet: a fresh heat). */
export function warm(
  h: Heat | undefined,
  amount: number,
  at: number,
  halfLife = TRENDING_HALF_LIFE_MS,
): Heat {
  const signal = { score: amount, at };
  return h ? combine(h, signal, halfLife) : signal;
}

export interface Ranked<K> {
  readonly key: K;
  readonly heat: number;
}

/**
 * The hottest `limit` things at `now`, hottest first (ties by key, so the order is stable),
 * leaving out those cooled below `minHeat`.
 */
export function rank<K extends string>(
  entries: ReadonlyArray<{ readonly key: K; readonly heat: Heat }>,
  now: number,
  opts: { limit: number; minHeat?: number; halfLife?: number },
): Ranked<K>[] {
  const min = opts.minHeat ?? 0.5;
  return entries
    .map((e) => ({ key: e.key, heat: heatAt(e.heat, now, opts.halfLife) }))
    .filter((e) => e.heat >= min)
    .sort((a, b) => b.heat - a.heat || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, opts.limit);
}
