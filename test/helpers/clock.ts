import type { Clock } from '../../src/platform/clock.ts';

/**
 * Real time plus the time a test has skipped. For an app whose real timers (ticks, pacers) must
 * keep running while the test jumps past a TTL or a pacing interval instead of sleeping through
 * it; where nothing needs time to flow on its own, use the ManualClock.
 */
export class SkippingClock implements Clock {
  private skipped = 0;
  now(): number {
    return Date.now() + this.skipped;
  }
  advance(ms: number): void {
    this.skipped += ms;
  }
}
