import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Counters, RateLimiter, RateRule } from './counters.ts';
import { wrapLimiter } from './memory-counters.ts';

/**
 * Shared counters in Redis (rate-limiter-flexible's Redis limiter: one atomic script per
 * decision), so that a limit is one limit across every node.
 */
export class RedisCounters implements Counters {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(url: string) {
    // rate-limiter-flexible needs commands to fail fast rather than queue while Redis is away.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => {});
  }

  limiter(name: string, rule: RateRule): RateLimiter {
    const id = `${name}:${rule.points}:${rule.windowSeconds}`;
    let l = this.limiters.get(id);
    if (!l) {
      l = wrapLimiter(
        new RateLimiterRedis({
          storeClient: this.redis,
          keyPrefix: `fm:rl:${name}`,
          points: rule.points,
          duration: rule.windowSeconds,
        }),
      );
      this.limiters.set(id, l);
    }
    return l;
  }

  async ready(): Promise<void> {
    if (this.redis.status !== 'ready') await new Promise((r) => setTimeout(r, 200));
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {});
  }
}
