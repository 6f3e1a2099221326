/**
 * Giveaways in a show: viewers enter during [opensAt, closesAt), one winner is drawn with a
 * cryptographically secure RNG, and the draw leaves a record a viewer can check. Pure
 * computation (node:crypto hashes and draws; no I/O): the service persists entries and the proof.
 */
import { createHash, randomInt as cryptoRandomInt } from 'node:crypto';

export interface Giveaway {
  /** Epoch ms, inclusive. */
  readonly opensAt: number;
  /** Epoch ms, exclusive. */
  readonly closesAt: number;
}

export type EnterResult =
  | { readonly ok: true; readonly value: { readonly viewerId: string; readonly alreadyEntered: boolean } }
  | {
      readonly ok: false;
      readonly code: 'giveaway_closed';
      readonly message: string;
      readonly extra: { readonly opensAt: number; readonly closesAt: number };
    };

/** Returns an integer in [0, maxExclusive), uniformly. */
export type RandomInt = (maxExclusive: number) => number;

export interface Draw {
  readonly winnerId: string;
  /** Index of the winner in `sortEntrants(entrants)`, as recorded in the proof. */
  readonly winnerIndex: number;
}

/** What is published after a draw: enough to check the list was not changed afterwards. */
export interface DrawProof {
  readonly entrantCount: number;
  /** sha256 (hex) of the sorted entrant ids joined by "\n". */
  readonly entrantsHash: string;
  readonly winnerIndex: number;
}

/**
 * Enters a viewer. Entering twice is an idempotent success (`alreadyEntered: true`), so a
 * double tap or a retried request never shows an error. That is answered even after the close,
 * because it is still true: the viewer is in the draw.
 */
export function enter(
  giveaway: Giveaway,
  entrants: ReadonlySet<string>,
  viewerId: string,
  at: number,
): EnterResult {
  if (entrants.has(viewerId)) return { ok: true, value: { viewerId, alreadyEntered: true } };
  if (at < giveaway.opensAt || at >= giveaway.closesAt) {
    const message = at < giveaway.opensAt ? 'The giveaway is not open yet' : 'The giveaway is closed';
    const extra = { opensAt: giveaway.opensAt, closesAt: giveaway.closesAt };
    return { ok: false, code: 'giveaway_closed', message, extra };
  }
  return { ok: true, value: { viewerId, alreadyEntered: false } };
}

/**
 * The canonical order of a draw: distinct ids sorted by UTF-16 code unit (the default sort,
 * locale independent, so any verifier reproduces it; for ASCII ids it is byte order).
 */
export function sortEntrants(entrants: Iterable<string>): string[] {
  return [...new Set(entrants)].sort();
}

const defaultRandomInt: RandomInt = (maxExclusive) => cryptoRandomInt(maxExclusive);

/**
 * Draws one winner uniformly from the distinct entrants; `undefined` when nobody entered.
 * The draw runs on the canonical order, so the same RNG output picks the same viewer however
 * the store returned the rows. Tests inject `randomInt`; production uses node:crypto's.
 */
export function drawWinner(
  entrants: readonly string[],
  randomInt: RandomInt = defaultRandomInt,
): Draw | undefined {
  const sorted = sortEntrants(entrants);
  if (sorted.length === 0) return undefined;
  const winnerIndex = randomInt(sorted.length);
  const winnerId = sorted[winnerIndex];
  if (!Number.isInteger(winnerIndex) || winnerId === undefined) {
    throw new RangeError(`randomInt(${sorted.length}) returned ${winnerIndex}`);
  }
  return { winnerId, winnerIndex };
}

export function entrantsHash(sortedEntrants: readonly string[]): string {
  return createHash('sha256').update(sortedEntrants.join('\n'), 'utf8').digest('hex');
}

/** The public record of a draw. Throws if the winner did not enter: that is a bug, not a case. */
export function drawProof(entrants: readonly string[], winnerId: string): DrawProof {
  const sorted = sortEntrants(entrants);
  const winnerIndex = sorted.indexOf(winnerId);
  if (winnerIndex < 0) throw new RangeError(`winner ${winnerId} is not among the entrants`);
  return { entrantCount: sorted.length, entrantsHash: entrantsHash(sorted), winnerIndex };
}

/** Does a published list (sorted, as in the proof) contain this viewer? Binary search. */
export function wasEntered(sortedEntrants: readonly string[], viewerId: string): boolean {
  let lo = 0;
  let hi = sortedEntrants.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const id = sortedEntrants[mid];
    if (id === undefined) return false;
    if (id === viewerId) return true;
    if (id < viewerId) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Checks a published list against a proof: same count, same hash, winner at the index. */
export function verifyDraw(sortedEntrants: readonly string[], proof: DrawProof, winnerId: string): boolean {
  return (
    sortedEntrants.length === proof.entrantCount &&
    entrantsHash(sortedEntrants) === proof.entrantsHash &&
    sortedEntrants[proof.winnerIndex] === winnerId
  );
}
