/**
 * Fair draws anyone can check: commit–reveal. Before a draw can be influenced (a giveaway opens,
 * a waiting room takes its first pre-open ticket) the server draws a secret 32-byte seed and
 * publishes only its commitment, `sha256(seed)`. After the draw it reveals the seed. Anyone then
 * recomputes the result from the seed and the published, sorted list: the server could not pick
 * the seed after seeing the entrants, and cannot change the list or the seed afterwards without
 * the hashes failing.
 *
 * The algorithm (`flashmob-draw-v1`), for an independent verifier:
 * - `entrantsHash` = hex sha256 of the sorted, distinct ids joined by "\n" (UTF-8);
 * - the k-th random number is the first 6 bytes, big-endian, of
 *   HMAC-SHA256(key = seed bytes, message = `${entrantsHash}:${label}:${k}`), k = 0, 1, 2, …;
 * - a uniform index in [0, n) takes numbers in turn and keeps the first v < ⌊2^48 / n⌋·n,
 *   answering v mod n (rejection sampling: no modulo bias);
 * - a giveaway's winner is `sorted[index(n)]` with label `winner`; a shuffle (waiting room) is
 *   Fisher–Yates over the sorted list with label `shuffle`, swapping i with index(i + 1) for
 *   i = n−1 … 1, all from one stream of numbers.
 *
 * Pure and dependency-light (@noble/hashes): the server, `flashmob verify-draw` and the web app's
 * verify page run this same file.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const FAIR_DRAW_ALGORITHM = 'flashmob-draw-v1';
const SPAN = 2 ** 48;

/** The public commitment to a seed (hex in, hex out). */
export function commitment(seedHex: string): string {
  return bytesToHex(sha256(hexToBytes(seedHex)));
}

/** sha256 of the sorted ids joined by "\n" (the list must already be sorted and distinct). */
export function listHash(sorted: readonly string[]): string {
  return bytesToHex(sha256(utf8ToBytes(sorted.join('\n'))));
}

/** Sorted by UTF-16 code unit (locale independent), duplicates removed. */
export function canonical(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort();
}

/** A stream of uniform indices drawn from the seed, bound to one list and one purpose. */
function indexStream(seedHex: string, hash: string, label: string): (n: number) => number {
  const key = hexToBytes(seedHex);
  let k = 0;
  return (n) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`cannot draw among ${n}`);
    const limit = Math.floor(SPAN / n) * n;
    for (;;) {
      const mac = hmac(sha256, key, utf8ToBytes(`${hash}:${label}:${k++}`));
      let v = 0;
      for (let i = 0; i < 6; i++) v = v * 256 + (mac[i] as number);
      if (v < limit) return v % n;
    }
  };
}

/** The winner's index among `sorted` (n ≥ 1). */
export function winnerIndex(seedHex: string, sorted: readonly string[]): number {
  return indexStream(seedHex, listHash(sorted), 'winner')(sorted.length);
}

/** A seeded Fisher–Yates shuffle of `sorted`. */
export function fairShuffle(seedHex: string, sorted: readonly string[]): string[] {
  const out = [...sorted];
  const next = indexStream(seedHex, listHash(sorted), 'shuffle');
  for (let i = out.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

/** What a giveaway publishes once drawn. */
export interface DrawRecord {
  readonly seed: string;
  readonly seedHash: string;
  /** Sorted, distinct entrant ids. */
  readonly entrants: readonly string[];
  readonly entrantsHash: string;
  readonly winnerIndex: number;
  readonly winnerId: string;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Checks a draw from its record alone; the reason names the first thing that does not hold. */
export function verifyDrawRecord(r: DrawRecord): Verdict {
  const fail = (reason: string): Verdict => ({ ok: false, reason });
  if (!/^[0-9a-f]{64}$/.test(r.seed)) return fail('the seed is not 32 bytes of hex');
  if (commitment(r.seed) !== r.seedHash)
    return fail('the seed does not match the commitment published before the draw');
  const sorted = canonical(r.entrants);
  if (sorted.length !== r.entrants.length || sorted.some((id, i) => id !== r.entrants[i]))
    return fail('the entrant list is not sorted and distinct');
  if (listHash(sorted) !== r.entrantsHash) return fail('the entrant list does not match its hash');
  if (sorted.length === 0) return fail('nobody entered');
  const index = winnerIndex(r.seed, sorted);
  if (index !== r.winnerIndex) return fail(`the seed picks index ${index}, not ${r.winnerIndex}`);
  if (sorted[index] !== r.winnerId) return fail('the winner is not the entrant at that index');
  return { ok: true };
}

/** A waiting room's pre-open draw as published: tickets appear only as sha256 of their ids. */
export interface LineDraw {
  readonly seedHash: string;
  /** Sorted hashes of the tickets that joined before the start. */
  readonly tickets: readonly string[];
  /** The same hashes in the order drawn: the front of the line when it opened. */
  readonly line: readonly string[];
}

/** sha256 (hex) of a ticket id: a buyer finds their own place without the list naming anyone. */
export const ticketHash = (ticketId: string): string => bytesToHex(sha256(utf8ToBytes(ticketId)));

/** Draws the order of the pre-open tickets from the committed seed; `order` is ticket ids, front first. */
export function drawLine(seedHex: string, ticketIds: readonly string[]): { order: string[]; draw: LineDraw } {
  const byHash = new Map(ticketIds.map((id) => [ticketHash(id), id]));
  const tickets = canonical(byHash.keys());
  const line = fairShuffle(seedHex, tickets);
  return {
    order: line.map((h) => byHash.get(h) as string),
    draw: { seedHash: commitment(seedHex), tickets, line },
  };
}

/** Checks a published line draw with its revealed seed. */
export function verifyLineDraw(d: LineDraw & { readonly seed: string }): Verdict {
  if (!/^[0-9a-f]{64}$/.test(d.seed)) return { ok: false, reason: 'the seed is not 32 bytes of hex' };
  if (commitment(d.seed) !== d.seedHash)
    return { ok: false, reason: 'the seed does not match the commitment published before the draw' };
  const sorted = canonical(d.tickets);
  if (sorted.length !== d.tickets.length || sorted.some((h, i) => h !== d.tickets[i]))
    return { ok: false, reason: 'the ticket list is not sorted and distinct' };
  const again = fairShuffle(d.seed, sorted);
  if (again.length !== d.line.length || again.some((h, i) => h !== d.line[i]))
    return { ok: false, reason: 'the seed does not give this order' };
  return { ok: true };
}
