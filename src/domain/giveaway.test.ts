import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  drawProof,
  drawWinner,
  enter,
  type Giveaway,
  sortEntrants,
  verifyDraw,
  wasEntered,
} from './giveaway.ts';

const T0 = 1_700_000_000_000;
const giveaway: Giveaway = { opensAt: T0, closesAt: T0 + 60_000 };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `usr_${i}`);

describe('giveaway', () => {
  it('giveaway - entering while open is accepted', () => {
    expect(enter(giveaway, new Set(), 'v1', T0)).toEqual({
      ok: true,
      value: { viewerId: 'v1', alreadyEntered: false },
    });
  });

  it('giveaway - entering before it opens is refused with giveaway_closed', () => {
    expect(enter(giveaway, new Set(), 'v1', T0 - 1)).toMatchObject({
      ok: false,
      code: 'giveaway_closed',
      extra: { opensAt: T0, closesAt: T0 + 60_000 },
    });
  });

  it('giveaway - entering at the closing instant is refused with giveaway_closed', () => {
    expect(enter(giveaway, new Set(), 'v1', T0 + 60_000)).toMatchObject({
      ok: false,
      code: 'giveaway_closed',
    });
  });

  it('giveaway - entering again is an idempotent success marked alreadyEntered', () => {
    expect(enter(giveaway, new Set(['v1']), 'v1', T0 + 10)).toEqual({
      ok: true,
      value: { viewerId: 'v1', alreadyEntered: true },
    });
  });

  it('giveaway - a viewer who entered is told so even after the close', () => {
    expect(enter(giveaway, new Set(['v1']), 'v1', T0 + 90_000)).toMatchObject({
      ok: true,
      value: { alreadyEntered: true },
    });
  });

  it('giveaway - drawing from nobody has no winner', () => {
    expect(drawWinner([])).toBeUndefined();
  });

  it('giveaway - the injected random integer picks from the sorted entrants', () => {
    const draw = drawWinner(['c', 'a', 'b'], (max) => {
      expect(max).toBe(3);
      return 1;
    });
    expect(draw).toEqual({ winnerId: 'b', winnerIndex: 1 });
  });

  it('giveaway - a duplicated entrant gets no extra chance', () => {
    let seenMax = 0;
    drawWinner(['a', 'a', 'b'], (max) => {
      seenMax = max;
      return 0;
    });
    expect(seenMax).toBe(2);
  });

  it('giveaway - a random integer out of range is a bug and throws', () => {
    expect(() => drawWinner(['a', 'b'], () => 2)).toThrow(RangeError);
    expect(() => drawWinner(['a', 'b'], () => 0.5)).toThrow(RangeError);
  });

  it('giveaway - the winner is always among the entrants with the real RNG', () => {
    const entrants = ids(37);
    for (let i = 0; i < 1000; i++) {
      const draw = drawWinner(entrants);
      expect(draw && entrants.includes(draw.winnerId)).toBe(true);
    }
  });

  it('giveaway - the real RNG gives each of 10 entrants 2,000 ± 10% of 20,000 draws', () => {
    // Expected 2,000 each, standard deviation ~42: ±200 is ~4.7 sigma, so this does not flake.
    const entrants = ids(10);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const draw = drawWinner(entrants);
      if (draw) counts.set(draw.winnerId, (counts.get(draw.winnerId) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(1800);
      expect(n).toBeLessThanOrEqual(2200);
    }
  });

  it('giveaway - the proof hashes the sorted ids joined by newlines', () => {
    const expected = createHash('sha256').update('a\nb\nc').digest('hex');
    expect(drawProof(['c', 'a', 'b'], 'c')).toEqual({
      entrantCount: 3,
      entrantsHash: expected,
      winnerIndex: 2,
    });
  });

  it('giveaway - the proof does not depend on the order entrants were loaded in', () => {
    expect(drawProof(['b', 'c', 'a'], 'a')).toEqual(drawProof(['a', 'b', 'c'], 'a'));
  });

  it('giveaway - the proof index matches the draw index', () => {
    const entrants = ['usr_z', 'usr_b', 'usr_k', 'usr_a'];
    const draw = drawWinner(entrants, () => 2);
    expect(draw && drawProof(entrants, draw.winnerId).winnerIndex).toBe(2);
  });

  it('giveaway - a proof for a winner who did not enter throws', () => {
    expect(() => drawProof(['a', 'b'], 'z')).toThrow(RangeError);
  });

  it('giveaway - a viewer finds themselves in the published sorted list', () => {
    const sorted = sortEntrants(ids(501));
    for (const id of ['usr_0', 'usr_250', 'usr_500', 'usr_99']) expect(wasEntered(sorted, id)).toBe(true);
  });

  it('giveaway - a viewer who did not enter is not found', () => {
    const sorted = sortEntrants(ids(100));
    for (const id of ['usr_100', 'usr_', '', 'zzz', 'aaa']) expect(wasEntered(sorted, id)).toBe(false);
    expect(wasEntered([], 'usr_0')).toBe(false);
  });

  it('giveaway - the published list verifies against the proof', () => {
    const sorted = sortEntrants(ids(50));
    const proof = drawProof(sorted, 'usr_7');
    expect(verifyDraw(sorted, proof, 'usr_7')).toBe(true);
  });

  it('giveaway - a list changed after the draw fails verification', () => {
    const sorted = sortEntrants(ids(50));
    const proof = drawProof(sorted, 'usr_7');
    expect(verifyDraw(sortEntrants([...sorted, 'usr_sneaky']), proof, 'usr_7')).toBe(false);
    expect(verifyDraw(sorted, proof, 'usr_8')).toBe(false);
  });
});
