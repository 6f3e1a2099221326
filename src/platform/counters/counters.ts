/**
 * The shared-counters port: rate limits and other counters that several nodes must agree on.
 * Embedded: in this process's memory. Scale-out: Redis.
 */
export interface RateRule {
  /** Requests allowed per window. */
  readonly points: number;
  readonly windowSeconds: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly retryAfterMs: number;
  readonly remaining: number;
}

export interface RateLimiter {
  consume(key: string, points?: number): Promise<RateDecision>;
}

export interface Counters {
  readonly kind: 'memory' | 'redis';
  limiter(name: string, rule: RateRule): RateLimiter;
  ready(): Promise<void>;
  close(): Promise<void>;
}
