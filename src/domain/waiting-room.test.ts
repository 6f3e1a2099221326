import { describe, expect, it } from 'vitest';
import {
  admissible,
  admissionExpiresAt,
  admissionTick,
  burstCapFor,
  consume,
  DEFAULT_ABANDON_AFTER_SECONDS,
  etaSeconds,
  fairOrder,
  isAbandoned,
  isActive,
  isPreOpenJoin,
  isQueueOpen,
  lineOrder,
  nextToAdmit,
  observedRate,
  type PacerState,
  pause,
  positionOf,
  queueOpensAt,
  RateObserver,
  refill,
  resume,
  startPacer,
} from './waiting-room.ts';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

/** Deterministic PRNG for simulations (mulberry32), so a failure replays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `tkt_${i}`);

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
  const joiners = ids(8);

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
    const input = Object.freeze(ids(50));
    const out = fairOrder(input);
    expect(out).not.toBe(input);
    expect([...out].sort()).toEqual([...input].sort());
    expect(input).toEqual(ids(50));
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

describe('waiting room pacing', () => {
  it('pacing - refill earns elapsed × rate / 60 s', () => {
    const s = refill(startPacer(T0), 600, T0 + 250);
    expect(s.credit).toBeCloseTo(2.5);
    expect(s.lastRefillAt).toBe(T0 + 250);
  });

  it('pacing - a fresh bucket admits nobody until the first interval has passed', () => {
    const s = startPacer(T0);
    expect(admissible(s, { activeCount: 0, maxActive: 10, waiting: 10 })).toBe(0);
    expect(admissible(refill(s, 60, T0 + 999), { activeCount: 0, maxActive: 10, waiting: 10 })).toBe(0);
    expect(admissible(refill(s, 60, T0 + 1000), { activeCount: 0, maxActive: 10, waiting: 10 })).toBe(1);
  });

  it('pacing - credit is capped at one second of admissions plus one', () => {
    expect(burstCapFor(600)).toBe(11);
    expect(refill(startPacer(T0), 600, T0 + 60 * MINUTE).credit).toBe(11);
    expect(refill(startPacer(T0), 30, T0 + 60 * MINUTE).credit).toBe(1.5);
    expect(refill(startPacer(T0), 600, T0 + 60 * MINUTE, 3).credit).toBe(3);
  });

  it('pacing - a clock running backwards earns nothing and does not move time back', () => {
    const s = refill(startPacer(T0), 600, T0 + 1000);
    const back = refill(s, 600, T0 + 500);
    expect(back).toEqual(s);
  });

  it('pacing - admissible is bounded by credit, room under maxActive and the line', () => {
    const s: PacerState = { credit: 7.9, lastRefillAt: T0, paused: false };
    expect(admissible(s, { activeCount: 0, maxActive: 100, waiting: 100 })).toBe(7);
    expect(admissible(s, { activeCount: 97, maxActive: 100, waiting: 100 })).toBe(3);
    expect(admissible(s, { activeCount: 0, maxActive: 100, waiting: 2 })).toBe(2);
    expect(admissible(s, { activeCount: 0, maxActive: Number.POSITIVE_INFINITY, waiting: 100 })).toBe(7);
  });

  it('pacing - admissible is never negative, even above maxActive', () => {
    const s: PacerState = { credit: 5, lastRefillAt: T0, paused: false };
    expect(admissible(s, { activeCount: 12, maxActive: 10, waiting: 100 })).toBe(0);
    expect(admissible(s, { activeCount: 0, maxActive: 10, waiting: 0 })).toBe(0);
  });

  it('pacing - float drift does not lose a whole admission', () => {
    let s: PacerState = { credit: 0, lastRefillAt: 0, paused: false };
    for (const t of [100, 300, 1000]) s = refill(s, 60, t); // 0.1 + 0.2 + 0.7
    expect(admissible(s, { activeCount: 0, maxActive: 10, waiting: 10 })).toBe(1);
    expect(consume(s, 1).credit).toBe(0);
  });

  it('pacing - consuming more than the credit, or a negative or fractional count, throws', () => {
    const s: PacerState = { credit: 2.5, lastRefillAt: T0, paused: false };
    expect(consume(s, 2).credit).toBeCloseTo(0.5);
    expect(() => consume(s, 3)).toThrow(RangeError);
    expect(() => consume(s, -1)).toThrow(RangeError);
    expect(() => consume(s, 1.5)).toThrow(RangeError);
  });

  it('pacing - paused, no credit accrues and nobody is admitted', () => {
    const paused = pause(refill(startPacer(T0), 600, T0 + 300), 600, T0 + 500);
    expect(paused.credit).toBeCloseTo(5);
    const later = refill(paused, 600, T0 + 10 * MINUTE);
    expect(later.credit).toBeCloseTo(5);
    expect(later.lastRefillAt).toBe(T0 + 10 * MINUTE);
    expect(admissible(later, { activeCount: 0, maxActive: 100, waiting: 100 })).toBe(0);
  });

  it('pacing - resuming earns from the resume, not for the paused time', () => {
    const paused = pause(startPacer(T0), 600, T0);
    const resumed = resume(paused, T0 + 10 * MINUTE);
    expect(resumed.paused).toBe(false);
    expect(refill(resumed, 600, T0 + 10 * MINUTE + 100).credit).toBeCloseTo(1);
  });

  it('pacing - a long pause releases no flood when resumed', () => {
    let s = startPacer(T0);
    s = pause(refill(s, 600, T0 + 60 * MINUTE), 600, T0 + 60 * MINUTE);
    s = resume(s, T0 + 120 * MINUTE);
    const tick = admissionTick(s, {
      admitPerMinute: 600,
      now: T0 + 120 * MINUTE + 250,
      activeCount: 0,
      maxActive: 1e9,
      waiting: 1e6,
    });
    expect(tick.admit).toBeLessThanOrEqual(burstCapFor(600));
  });
});

interface RateSim {
  readonly admitPerMinute: number | ((t: number) => number);
  readonly durationMs: number;
  readonly nextTickMs: () => number;
}

/** Admissions over `durationMs` with nobody limiting: unlimited maxActive and a long line. */
function simulateRate(sim: RateSim): number {
  const rateAt = (t: number) =>
    typeof sim.admitPerMinute === 'number' ? sim.admitPerMinute : sim.admitPerMinute(t);
  let state = startPacer(T0);
  let admitted = 0;
  let now = T0;
  while (now < T0 + sim.durationMs) {
    now = Math.min(T0 + sim.durationMs, now + sim.nextTickMs());
    const tick = admissionTick(state, {
      admitPerMinute: rateAt(now),
      now,
      activeCount: 0,
      maxActive: Number.POSITIVE_INFINITY,
      waiting: 1_000_000,
    });
    state = tick.state;
    admitted += tick.admit;
  }
  return admitted;
}

const within = (actual: number, expected: number, fraction: number) =>
  Math.abs(actual - expected) <= expected * fraction;

describe('waiting room long-run rate', () => {
  const tenMinutes = 10 * MINUTE;

  it.each([600, 37])('long-run rate - %i/min with 250 ms ticks stays within ±5%', (rate) => {
    const admitted = simulateRate({ admitPerMinute: rate, durationMs: tenMinutes, nextTickMs: () => 250 });
    expect(within(admitted, rate * 10, 0.05)).toBe(true);
  });

  it.each([600, 37])('long-run rate - %i/min with irregular 50–900 ms ticks stays within ±5%', (rate) => {
    const random = seeded(rate);
    const admitted = simulateRate({
      admitPerMinute: rate,
      durationMs: tenMinutes,
      nextTickMs: () => 50 + Math.floor(random() * 851),
    });
    expect(within(admitted, rate * 10, 0.05)).toBe(true);
  });

  it('long-run rate - a live rate change takes effect from the change', () => {
    // 5 minutes at 600/min, then 5 at 60/min: 3,000 + 300.
    const admitted = simulateRate({
      admitPerMinute: (t) => (t <= T0 + 5 * MINUTE ? 600 : 60),
      durationMs: tenMinutes,
      nextTickMs: () => 250,
    });
    expect(within(admitted, 3300, 0.05)).toBe(true);
  });
});

describe('waiting room maxActive', () => {
  it('max active - admissions never take active shoppers above maxActive as they leave at random', () => {
    const random = seeded(42);
    const maxActive = 25;
    let state = startPacer(T0);
    let active: number[] = []; // the time each active shopper leaves (checks out, leaves, or expires)
    let admitted = 0;
    let peak = 0;
    for (let now = T0 + 250; now <= T0 + 10 * MINUTE; now += 250) {
      active = active.filter((leavesAt) => leavesAt > now);
      const tick = admissionTick(state, {
        admitPerMinute: 600,
        now,
        activeCount: active.length,
        maxActive,
        waiting: 1e6,
      });
      state = tick.state;
      for (let i = 0; i < tick.admit; i++) {
        // Some check out within seconds, some hold until their admission expires (120 s TTL).
        active.push(Math.min(now + Math.floor(random() * 180_000), admissionExpiresAt(now, 120)));
      }
      admitted += tick.admit;
      peak = Math.max(peak, active.length);
      expect(active.length).toBeLessThanOrEqual(maxActive);
    }
    expect(peak).toBe(maxActive);
    // Slots freed by leavers are reused, but far below the 6,000 the rate alone would allow.
    expect(admitted).toBeGreaterThan(maxActive * 3);
    expect(admitted).toBeLessThan(6000);
  });
});

describe('waiting room active shoppers', () => {
  it('active - an admission is active until it expires', () => {
    const a = { expiresAt: admissionExpiresAt(T0, 600) };
    expect(a.expiresAt).toBe(T0 + 600_000);
    expect(isActive(a, T0 + 599_999)).toBe(true);
    expect(isActive(a, T0 + 600_000)).toBe(false);
  });

  it('active - a shopper who checked out or left is no longer active', () => {
    const a = { expiresAt: T0 + 600_000, endedAt: T0 + 1000 };
    expect(isActive(a, T0 + 999)).toBe(true);
    expect(isActive(a, T0 + 1000)).toBe(false);
  });
});

describe('waiting room abandonment', () => {
  it('abandonment - gone after abandonAfterSeconds without a poll or connection', () => {
    expect(isAbandoned(T0, T0 + 29_999, 30)).toBe(false);
    expect(isAbandoned(T0, T0 + 30_000, 30)).toBe(true);
  });

  it('abandonment - the default is 300 seconds', () => {
    expect(DEFAULT_ABANDON_AFTER_SECONDS).toBe(300);
    expect(isAbandoned(T0, T0 + 299_999)).toBe(false);
    expect(isAbandoned(T0, T0 + 300_000)).toBe(true);
  });
});

describe('waiting room positions', () => {
  const line = ['a', 'b', 'c', 'd', 'e'];

  it('positions - 1-based among tickets still waiting', () => {
    expect(positionOf(line, 'a', new Set(), new Set())).toBe(1);
    expect(positionOf(line, 'e', new Set(), new Set())).toBe(5);
  });

  it('positions - admitted and abandoned tickets ahead are skipped', () => {
    expect(positionOf(line, 'e', new Set(['a', 'c']), new Set(['b']))).toBe(2);
  });

  it('positions - an admitted ticket is at 0', () => {
    expect(positionOf(line, 'b', new Set(['b']), new Set())).toBe(0);
  });

  it('positions - an abandoned or unknown ticket has no position', () => {
    expect(positionOf(line, 'b', new Set(), new Set(['b']))).toBeUndefined();
    expect(positionOf(line, 'zz', new Set(), new Set())).toBeUndefined();
  });

  it('positions - the next to admit skip admitted and abandoned tickets', () => {
    expect(nextToAdmit(line, 2, new Set(['a']), new Set(['b']))).toEqual(['c', 'd']);
    expect(nextToAdmit(line, 10, new Set(['a']), new Set())).toEqual(['b', 'c', 'd', 'e']);
    expect(nextToAdmit(line, 0, new Set(), new Set())).toEqual([]);
  });
});

describe('waiting room observed rate', () => {
  it('observed rate - unknown with fewer than 2 admissions and under 10 s of observation', () => {
    const o = new RateObserver(T0);
    o.record(T0 + 1000);
    expect(o.observedPerMinute(T0 + 5000)).toBeUndefined();
  });

  it('observed rate - known once 2 admissions are seen', () => {
    const o = new RateObserver(T0);
    o.record(T0 + 1000);
    o.record(T0 + 2000);
    expect(o.observedPerMinute(T0 + 4000)).toBeCloseTo(30);
  });

  it('observed rate - known after 10 s even with no admission: 0 per minute', () => {
    expect(new RateObserver(T0).observedPerMinute(T0 + 10_000)).toBe(0);
  });

  it('observed rate - measures what was achieved, not what was configured', () => {
    // Configured 600/min but maxActive lets one in every 2 s: 30/min.
    const o = new RateObserver(T0);
    for (let t = T0 + 2000; t <= T0 + 3 * MINUTE; t += 2000) o.record(t);
    expect(o.observedPerMinute(T0 + 3 * MINUTE)).toBeCloseTo(30);
  });

  it('observed rate - only the window counts', () => {
    const o = new RateObserver(T0, 300);
    o.record(T0 + 1000, 100); // a burst long ago
    for (let t = T0 + 2 * MINUTE; t < T0 + 3 * MINUTE; t += 1000) o.record(t);
    expect(o.observedPerMinute(T0 + 3 * MINUTE - 1)).toBeCloseTo(60, 0);
    // Over 300 s (capped at the 180 s observed) the burst counts: 160 admissions in 180 s.
    expect(o.observedPerMinute(T0 + 3 * MINUTE - 1, 300)).toBeCloseTo(160 / 3, 0);
  });

  it('observed rate - batches count by their size', () => {
    const o = new RateObserver(T0);
    o.record(T0 + 30_000, 10);
    o.record(T0 + 60_000, 0);
    expect(o.observedPerMinute(T0 + 60_000)).toBe(10);
  });

  it('observed rate - admissions before the observation started are ignored', () => {
    const records = [
      { at: T0 - 5000, count: 50 },
      { at: T0 + 15_000, count: 5 },
    ];
    expect(observedRate({ records, startedAt: T0, now: T0 + 30_000 })).toBe(10);
  });

  it('observed rate - memory is bounded by the retention', () => {
    const o = new RateObserver(T0, 60);
    for (let t = T0; t < T0 + 60 * MINUTE; t += 100) o.record(t);
    expect(o.size).toBeLessThanOrEqual(2 * 601);
    expect(o.observedPerMinute(T0 + 60 * MINUTE - 50)).toBe(600);
  });
});

describe('waiting room ETA', () => {
  it('eta - admitted is 0', () => {
    expect(etaSeconds(0, { observedPerMinute: undefined, configuredPerMinute: 60, paused: true })).toBe(0);
  });

  it('eta - paused gives no estimate (null)', () => {
    expect(etaSeconds(10, { observedPerMinute: 60, configuredPerMinute: 60, paused: true })).toBeNull();
  });

  it('eta - uses the observed rate when there is one', () => {
    expect(etaSeconds(100, { observedPerMinute: 30, configuredPerMinute: 600, paused: false })).toBe(200);
  });

  it('eta - falls back to the configured rate without enough observation', () => {
    expect(etaSeconds(100, { observedPerMinute: undefined, configuredPerMinute: 600, paused: false })).toBe(
      10,
    );
  });

  it('eta - rounds up to whole seconds', () => {
    expect(etaSeconds(1, { observedPerMinute: undefined, configuredPerMinute: 37, paused: false })).toBe(2);
  });

  it('eta - a line that has not moved for the whole window gives no estimate', () => {
    expect(etaSeconds(5, { observedPerMinute: 0, configuredPerMinute: 600, paused: false })).toBeNull();
  });
});
