import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { ClockEstimator } from './clock.ts';

describe('clock estimator', () => {
  it('clock - finds a +5 s skew through asymmetric random delays of 0–50 ms within 10 ms', () => {
    // As the client library samples: 8 round trips, then more while the proven uncertainty is
    // above 5 ms, up to 32. The error is never more than the uncertainty the estimator proves.
    const random = seededRandom(20261127);
    for (let trial = 0; trial < 500; trial++) {
      const est = new ClockEstimator();
      const skew = 5_000; // the client's clock runs 5 s ahead
      let serverTime = 1_000_000;
      let samples = 0;
      while (samples < 8 || ((est.uncertainty() ?? Number.POSITIVE_INFINITY) > 5 && samples < 32)) {
        serverTime += 60;
        const up = random() * 50;
        const down = random() * 50;
        est.add({ c0: serverTime + skew, s: serverTime + up, c1: serverTime + up + down + skew });
        samples += 1;
      }
      const error = Math.abs(est.offset() - -skew);
      expect(error).toBeLessThan(10);
      expect(error).toBeLessThanOrEqual((est.uncertainty() as number) + 1e-9);
    }
  });

  it('clock - with only a few samples the error can exceed 10 ms, and the estimator says so', () => {
    // Why the client keeps sampling: 3 round trips often leave a wide interval.
    const random = seededRandom(7);
    let wide = 0;
    for (let trial = 0; trial < 200; trial++) {
      const est = new ClockEstimator();
      for (let i = 0; i < 3; i++) {
        const up = random() * 50;
        const down = random() * 50;
        est.add({ c0: i * 60, s: i * 60 + up, c1: i * 60 + up + down });
      }
      const error = Math.abs(est.offset());
      expect(error).toBeLessThanOrEqual((est.uncertainty() as number) + 1e-9);
      if ((est.uncertainty() as number) > 10) wide++;
    }
    expect(wide).toBeGreaterThan(20);
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
