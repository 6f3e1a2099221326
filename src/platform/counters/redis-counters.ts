import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Counters, RateLimiter, RateRule } from './counters.ts';
import { wrapLimiter } from './memory-counters.ts';

/** How long ready() waits for a connection being made before it asks (and fails). */
const READY_WAIT_MS = 2_000;

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
    this.redis.on('error', () => {}); // commands fail fast and their callers see it; unheard, it would crash
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

  /**
   * Resolves once decisions can be made: commands are not queued while connecting, so a decision
   * asked of a node that has not connected yet fails. Waits for the connection (it used to sleep
   * 200 ms once, and a slower connect failed the check) up to READY_WAIT_MS.
   */
  async ready(): Promise<void> {
    if (this.redis.status !== 'ready' && this.redis.status !== 'end') {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.redis.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, READY_WAIT_MS);
        this.redis.once('ready', done);
      });
    }
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {}); // closing: a connection already lost has nothing to quit
  }
}
