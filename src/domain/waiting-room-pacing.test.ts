import { describe, expect, it } from 'vitest';
import { T0 } from '../../test/factories/waiting-room.ts';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import {
  admissible,
  admissionExpiresAt,
  admissionTick,
  burstCapFor,
  consume,
  type PacerState,
  pause,
  refill,
  resume,
  startPacer,
} from './waiting-room.ts';

const MINUTE = 60_000;

/**
 * The waiting room's pacing: a token bucket that admits at the configured rate, pauses and
 * resumes without a flood, holds its rate over time, and never exceeds maxActive.
 */
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
    const random = seededRandom(rate);
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
    const random = seededRandom(42);
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
