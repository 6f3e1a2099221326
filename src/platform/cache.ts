import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from './clock.ts';

/**
 * The one in-memory cache of the server: bounded (least recently used out first) and, with
 * `ttlMs`, expiring by the injected Clock, so a test moves time instead of sleeping through it.
 * Keys and values are never null or undefined (lru-cache's rule): wrap a "known absent" answer.
 */
export type Cache<K extends {}, V extends {}> = Pick<
  LRUCache<K, V>,
  'get' | 'set' | 'has' | 'delete' | 'clear' | 'peek' | 'size' | 'keys' | 'values'
>;

export interface CacheOptions {
  /** Entries kept at most; the least recently used is forgotten first. */
  readonly max: number;
  /** An entry is fresh while younger than this (absent: only `max` bounds it). */
  readonly ttlMs?: number;
  /** What "now" is for the TTLs (system clock when absent). */
  readonly clock?: Clock;
}

export function createCache<K extends {}, V extends {}>(o: CacheOptions): Cache<K, V> {
  const clock = o.clock ?? systemClock;
  return new LRUCache<K, V>({
    max: o.max,
    // lru-cache keeps an entry while its age ≤ ttl; ours is fresh while age < ttlMs, in whole
    // milliseconds: the same thing one millisecond earlier.
    ...(o.ttlMs ? { ttl: Math.max(1, o.ttlMs - 1) } : {}),
    // Read the clock at every check: lru-cache otherwise reuses a reading for up to 1 ms of real
    // time, which a test that has just advanced a ManualClock would not see.
    ttlResolution: 0,
    perf: { now: () => clock.now() },
  });
}

/**
 * Options of `set` for one entry's own lifetime (a token's remaining validity), in the same
 * "fresh while younger than" sense as `ttlMs`.
 */
export function ttlOf(ms: number): { ttl: number } {
  return { ttl: Math.max(1, Math.floor(ms) - 1) };
}
