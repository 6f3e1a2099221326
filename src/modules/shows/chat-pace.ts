import { Redis } from 'ioredis';
import { createCache } from '../../platform/cache.ts';

/** When a user last spoke in a show's chat, and their lines within the keep window. */
export interface Pace {
  readonly last: number | undefined;
  readonly stamps: readonly number[];
}

/**
 * The chat's memory of who spoke when (per show and user), read by the rate limit and slow mode.
 * Every api node must see the same history, or a chatter whose requests are spread over nodes
 * gets each node's allowance: in memory on one node, in Redis in scale-out.
 */
export interface ChatPace {
  /** Lines at or after `since` (ascending) and the last line ever kept. */
  read(key: string, since: number): Promise<Pace>;
  /** Records a line at `at`; lines older than `keepMs` may be forgotten. */
  record(key: string, at: number, keepMs: number): Promise<void>;
  close(): Promise<void>;
}

export class MemoryChatPace implements ChatPace {
  /** A bound on memory for rooms of millions of chatters: the least recent speakers go first. */
  private readonly lines = createCache<string, number[]>({ max: 200_000 });

  async read(key: string, since: number): Promise<Pace> {
    const all = this.lines.get(key) ?? [];
    return { last: all.at(-1), stamps: all.filter((t) => t >= since) };
  }

  async record(key: string, at: number, keepMs: number): Promise<void> {
    const kept = (this.lines.get(key) ?? []).filter((t) => t > at - keepMs);
    kept.push(at);
    this.lines.set(key, kept);
  }

  async close(): Promise<void> {}
}

/** A sorted set per show and user (score = time), trimmed and expired as lines age. */
export class RedisChatPace implements ChatPace {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
    this.redis.on('error', () => {}); // commands in flight fail and their callers see it; unheard, it would crash
  }

  private k(key: string) {
    return `fm:chat:${key}`;
  }

  async read(key: string, since: number): Promise<Pace> {
    const [recent, last] = await this.redis
      .multi()
      .zrangebyscore(this.k(key), since, '+inf', 'WITHSCORES')
      .zrange(this.k(key), -1, -1, 'WITHSCORES')
      .exec()
      .then((r) => (r ?? []).map(([err, v]) => (err ? [] : (v as string[]))));
    const scores = (pairs: string[]) => pairs.filter((_, i) => i % 2 === 1).map(Number);
    return { last: scores(last ?? [])[0], stamps: scores(recent ?? []) };
  }

  async record(key: string, at: number, keepMs: number): Promise<void> {
    const k = this.k(key);
    await this.redis
      .multi()
      // Two lines in the same millisecond are two lines: the member carries a random suffix.
      .zadd(k, at, `${at}:${Math.random().toString(36).slice(2, 8)}`)
      .zremrangebyscore(k, '-inf', `(${at - keepMs}`)
      .pexpire(k, keepMs)
      .exec();
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
