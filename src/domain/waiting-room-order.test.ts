import { describe, expect, it } from 'vitest';
import { T0, ticketIds } from '../../test/factories/waiting-room.ts';
import { fairOrder, isPreOpenJoin, isQueueOpen, lineOrder, queueOpensAt } from './waiting-room.ts';

const MINUTE = 60_000;

/**
 * The waiting room's opening and the order of its line: when the queue opens, the fair
 * (uniformly random) order of the pre-open joiners, and first come, first served after the start.
 */
describe('waiting room opening', () => {
  const sale = { startsAt: T0, endsAt: T0 + 60 * MINUTE };

  it('opening - the queue opens opensBeforeSeconds before the sale starts', () => {
    expect(queueOpensAt(T0, 600)).toBe(T0 - 600_000);
    expect(queueOpensAt(T0, 0)).toBe(T0);
  });

  it('opening - closed before the opening, open from it until the sale ends', () => {
    expect(isQueueOpen(sale, 600, T0 - 600_001)).toBe(false);
    expect(isQueueOpen(sale, 600, T0 - 600_000)).toBe(true);
    expect(isQueueOpen(sale, 600, T0 + 30 * MINUTE)).toBe(true);
    expect(isQueueOpen(sale, 600, sale.endsAt)).toBe(false);
  });

  it('opening - a join before the start is pre-open, a join at the start is not', () => {
    expect(isPreOpenJoin(T0 - 1, T0)).toBe(true);
    expect(isPreOpenJoin(T0, T0)).toBe(false);
  });
});

type Shuffle = (ids: readonly string[]) => string[];

/** counts[joiner][position] over `runs` shuffles of the joiners in arrival order. */
function positionCounts(shuffle: Shuffle, joiners: readonly string[], runs: number): number[][] {
  const counts = joiners.map(() => joiners.map(() => 0));
  const index = new Map(joiners.map((id, i) => [id, i]));
  for (let r = 0; r < runs; r++) {
    shuffle(joiners).forEach((id, position) => {
      const row = counts[index.get(id) ?? -1];
      if (row) row[position] = (row[position] ?? 0) + 1;
    });
  }
  return counts;
}

/** Every (joiner, position) cell within ±tolerance of runs / n: what a uniform order gives. */
function isUniform(shuffle: Shuffle, joiners: readonly string[], runs: number, tolerance = 0.15): boolean {
  const expected = runs / joiners.length;
  return positionCounts(shuffle, joiners, runs)
    .flat()
    .every((c) => Math.abs(c - expected) <= expected * tolerance);
}

describe('waiting room fair order', () => {
  const joiners = ticketIds(8);

  it('fair order - every pre-open joiner is equally likely at every position (real CSPRNG)', () => {
    // 20,000 runs, 2,500 expected per cell, σ ≈ 47: ±15% is 8σ, so this never flakes when fair.
    expect(isUniform((x) => fairOrder(x), joiners, 20_000)).toBe(true);
  });

  it('fair order - the uniformity check rejects FIFO (arrival order kept)', () => {
    expect(isUniform((x) => [...x], joiners, 20_000)).toBe(false);
  });

  it('fair order - the uniformity check rejects any fixed order', () => {
    expect(isUniform((x) => [...x].reverse(), joiners, 20_000)).toBe(false);
    expect(isUniform((x) => [...x.slice(4), ...x.slice(0, 4)], joiners, 20_000)).toBe(false);
  });

  it('fair order - returns a permutation and leaves the input untouched', () => {
    const input = Object.freeze(ticketIds(50));
    const out = fairOrder(input);
    expect(out).not.toBe(input);
    expect([...out].sort()).toEqual([...input].sort());
    expect(input).toEqual(ticketIds(50));
  });

  it('fair order - empty and single lines come back as they are', () => {
    expect(fairOrder([])).toEqual([]);
    expect(fairOrder(['a'])).toEqual(['a']);
  });

  it('fair order - Fisher–Yates asks the RNG for n, n-1, … 2 and swaps accordingly', () => {
    const asked: number[] = [];
    const out = fairOrder(['a', 'b', 'c', 'd'], (max) => {
      asked.push(max);
      return 0;
    });
    expect(asked).toEqual([4, 3, 2]);
    expect(out).toEqual(['b', 'c', 'd', 'a']);
  });

  it('fair order - an RNG answering out of range is refused, not trusted', () => {
    expect(() => fairOrder(['a', 'b'], () => 2)).toThrow(RangeError);
    expect(() => fairOrder(['a', 'b'], () => -1)).toThrow(RangeError);
    expect(() => fairOrder(['a', 'b'], () => 0.5)).toThrow(RangeError);
  });
});

describe('waiting room line order', () => {
  const entries = [
    { ticketId: 'early-1', joinedAt: T0 - 500_000 },
    { ticketId: 'late-2', joinedAt: T0 + 2_000 },
    { ticketId: 'early-2', joinedAt: T0 - 1 },
    { ticketId: 'late-1', joinedAt: T0 },
    { ticketId: 'late-3', joinedAt: T0 + 2_000 },
    { ticketId: 'early-3', joinedAt: T0 - 300_000 },
  ];

  it('line order - post-open arrivals queue FIFO behind the shuffled pre-open block', () => {
    for (let run = 0; run < 50; run++) {
      const line = lineOrder(entries, T0);
      expect([...line.slice(0, 3)].sort()).toEqual(['early-1', 'early-2', 'early-3']);
      expect(line.slice(3)).toEqual(['late-1', 'late-2', 'late-3']);
    }
  });

  it('line order - the pre-open block is shuffled with the given RNG', () => {
    const line = lineOrder(entries, T0, () => 0);
    expect(line).toEqual([
      ...fairOrder(['early-1', 'early-2', 'early-3'], () => 0),
      'late-1',
      'late-2',
      'late-3',
    ]);
  });
});
