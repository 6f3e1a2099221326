import { describe, expect, it } from 'vitest';
import { T0 } from '../../test/factories/waiting-room.ts';
import {
  admissionExpiresAt,
  DEFAULT_ABANDON_AFTER_SECONDS,
  etaSeconds,
  isAbandoned,
  isActive,
  nextToAdmit,
  observedRate,
  positionOf,
  RateObserver,
} from './waiting-room.ts';

const MINUTE = 60_000;

/**
 * The waiting room's bookkeeping: who is active, who abandoned the line, positions, the
 * observed admission rate and the ETA shown to buyers. Opening and order, and pacing, have files
 * of their own.
 */
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
