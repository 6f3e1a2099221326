import { describe, expect, it } from 'vitest';
import { ClockEstimator } from './clock.ts';

describe('clock estimator', () => {
  it('clock - finds a +5 s skew through asymmetric random delays of 0–50 ms within 10 ms', () => {
    for (let trial = 0; trial < 50; trial++) {
      const est = new ClockEstimator();
      const skew = 5_000; // the client's clock runs 5 s ahead
      let serverTime = 1_000_000;
      for (let i = 0; i < 12; i++) {
        serverTime += 60;
        const up = Math.random() * 50;
        const down = Math.random() * 50;
        const c0 = serverTime + skew;
        est.add({ c0, s: serverTime + up, c1: serverTime + up + down + skew });
      }
      expect(Math.abs(est.offset() - -skew)).toBeLessThan(10);
    }
  });

  it('clock - keeps the lowest round trips and ignores impossible samples', () => {
    const est = new ClockEstimator(3, 1);
    est.add({ c0: 0, s: 1_050, c1: 100 }); // rtt 100: θ in [950, 1050]
    est.add({ c0: 0, s: 1_010, c1: 20 }); // rtt 20: θ in [990, 1010], the best
    est.add({ c0: 50, s: 0, c1: 10 }); // negative rtt: ignored
    expect(est.bestRtt()).toBe(20);
    expect(est.offset()).toBe(1_000);
    expect(est.uncertainty()).toBe(10);
    expect(est.sampleCount).toBe(2);
  });
});
