/**
 * Clock offset estimation from `time` round trips. A request sent at client time c0, answered
 * with server time s and received at c1, proves that the offset θ (server − client) lies in
 * [s − c1, s − c0]: the server read its clock after the request left and before the answer
 * arrived. We keep the lowest-round-trip samples and intersect their intervals; the midpoint of
 * the intersection is wrong by at most half its width, i.e. by the difference of the *smallest*
 * one-way delays seen in each direction — far tighter than any single NTP-style sample
 * (s − (c0 + c1) / 2, wrong by up to half its round trip) when the delay is asymmetric and
 * jittery. If the intervals do not intersect (the clock jumped), the best samples' average is
 * used. Pure: give it samples, ask it the offset.
 */
export interface TimeSample {
  /** Client clock when the request left. */
  readonly c0: number;
  /** Server clock in the answer. */
  readonly s: number;
  /** Client clock when the answer arrived. */
  readonly c1: number;
}

export class ClockEstimator {
  private samples: Array<{ rtt: number; offset: number; lo: number; hi: number; at: number }> = [];

  /**
   * @param keep how many samples to keep (the lowest round trips win)
   * @param use how many of the best to average
   * @param maxAgeMs samples older than this are dropped (clocks drift)
   */
  constructor(
    private readonly keep = 16,
    private readonly use = 3,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  add(sample: TimeSample): void {
    const rtt = sample.c1 - sample.c0;
    if (!(rtt >= 0) || !Number.isFinite(sample.s)) return;
    this.samples.push({
      rtt,
      offset: sample.s - (sample.c0 + sample.c1) / 2,
      lo: sample.s - sample.c1,
      hi: sample.s - sample.c0,
      at: sample.c1,
    });
    this.samples = this.samples
      .filter((x) => sample.c1 - x.at <= this.maxAgeMs)
      .sort((a, b) => a.rtt - b.rtt)
      .slice(0, this.keep);
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** Server time minus client time, in ms (0 until the first sample). */
  offset(): number {
    if (this.samples.length === 0) return 0;
    const { lo, hi } = this.interval();
    if (lo <= hi) return (lo + hi) / 2;
    const best = this.samples.slice(0, this.use);
    return best.reduce((n, x) => n + x.offset, 0) / best.length;
  }

  /** Half the width of the proven interval: the most the estimate can be wrong by. */
  uncertainty(): number | undefined {
    if (this.samples.length === 0) return undefined;
    const { lo, hi } = this.interval();
    return lo <= hi ? (hi - lo) / 2 : undefined;
  }

  /** The intersection of the kept samples' intervals (empty when lo > hi: the clock jumped). */
  private interval(): { lo: number; hi: number } {
    let lo = Number.NEGATIVE_INFINITY;
    let hi = Number.POSITIVE_INFINITY;
    for (const x of this.samples) {
      lo = Math.max(lo, x.lo);
      hi = Math.min(hi, x.hi);
    }
    return { lo, hi };
  }

  /** The best round trip seen: the estimate is wrong by at most half of it. */
  bestRtt(): number | undefined {
    return this.samples[0]?.rtt;
  }
}
