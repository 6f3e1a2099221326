import { describe, expect, it } from 'vitest';
import { combine, type Heat, heatAt, rank, TRENDING_HALF_LIFE_MS, warm } from './trending.ts';

const H = TRENDING_HALF_LIFE_MS;
const t0 = Date.UTC(2026, 10, 27, 20);

describe('trending heat', () => {
  it('halves every half-life, and does not grow looking back', () => {
    const h: Heat = { score: 8, at: t0 };
    expect(heatAt(h, t0)).toBe(8);
    expect(heatAt(h, t0 + H)).toBeCloseTo(4, 10);
    expect(heatAt(h, t0 + 3 * H)).toBeCloseTo(1, 10);
    expect(heatAt(h, t0 - H)).toBe(8);
  });

  it('adds signals as of the later instant, in any order to the same heat', () => {
    const signals: Array<[number, number]> = [
      [3, t0],
      [1, t0 + 2 * H],
      [5, t0 + 60_000],
      [2, t0 + H / 2],
    ];
    const forward = signals.reduce<Heat | undefined>((h, [n, at]) => warm(h, n, at), undefined) as Heat;
    const backward = [...signals]
      .reverse()
      .reduce<Heat | undefined>((h, [n, at]) => warm(h, n, at), undefined) as Heat;
    expect(forward.at).toBe(t0 + 2 * H);
    expect(backward.at).toBe(forward.at);
    expect(backward.score).toBeCloseTo(forward.score, 10);
    // By hand: each amount halved for each half-life before the last signal.
    const expected = 3 * 2 ** -2 + 1 + 5 * 2 ** (-(2 * H - 60_000) / H) + 2 * 2 ** -1.5;
    expect(forward.score).toBeCloseTo(expected, 10);
    // Two batches combined either way round agree with one batch of all.
    const a = warm(warm(undefined, 3, t0), 5, t0 + 60_000);
    const b = warm(warm(undefined, 1, t0 + 2 * H), 2, t0 + H / 2);
    expect(combine(a, b).score).toBeCloseTo(forward.score, 10);
    expect(combine(b, a).score).toBeCloseTo(forward.score, 10);
  });

  it('ranks by heat now: a fresh burst passes an older, bigger spike; cold things drop out', () => {
    const entries = [
      { key: 'old-spike', heat: { score: 100, at: t0 } },
      { key: 'fresh', heat: { score: 30, at: t0 + 2 * H } },
      { key: 'steady', heat: { score: 10, at: t0 + 3 * H } },
      { key: 'twin', heat: { score: 10, at: t0 + 3 * H } },
      { key: 'cold', heat: { score: 1, at: t0 } },
    ];
    const now = t0 + 3 * H;
    expect(rank(entries, now, { limit: 10 })).toEqual([
      { key: 'fresh', heat: expect.closeTo(15, 10) },
      { key: 'old-spike', heat: expect.closeTo(12.5, 10) },
      { key: 'steady', heat: 10 },
      { key: 'twin', heat: 10 },
    ]);
    expect(rank(entries, now, { limit: 2 }).map((r) => r.key)).toEqual(['fresh', 'old-spike']);
    expect(rank(entries, now, { limit: 10, minHeat: 11 }).map((r) => r.key)).toEqual(['fresh', 'old-spike']);
    expect(rank(entries, t0, { limit: 1 })).toEqual([{ key: 'old-spike', heat: 100 }]);
  });
});
