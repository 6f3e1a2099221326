import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Counters, RateDecision, RateLimiter, RateRule } from './counters.ts';

export function toDecision(res: RateLimiterRes, allowed: boolean): RateDecision {
  return { allowed, retryAfterMs: allowed ? 0 : res.msBeforeNext, remaining: res.remainingPoints };
}

/** Wraps a rate-limiter-flexible limiter: a refusal is an answer, not an error. */
export function wrapLimiter(limiter: {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
}): RateLimiter {
  return {
    async consume(key, points = 1) {
      try {
        return toDecision(await limiter.consume(key, points), true);
      } catch (e) {
        if (e instanceof RateLimiterRes) return toDecision(e, false);
        throw e;
      }
    },
  };
}

export class MemoryCounters implements Counters {
  readonly kind = 'memory' as const;
  private readonly limiters = new Map<string, RateLimiter>();

  limiter(name: string, rule: RateRule): RateLimiter {
    const id = `${name}:${rule.points}:${rule.windowSeconds}`;
    let l = this.limiters.get(id);
    if (!l) {
      l = wrapLimiter(
        new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.windowSeconds }),
      );
      this.limiters.set(id, l);
    }
    return l;
  }

  async ready(): Promise<void> {}
  async close(): Promise<void> {}
}
