import { describe, expect, it } from 'vitest';
import { createCache, ttlOf } from './cache.ts';
import { ManualClock } from './clock.ts';

describe('cache', () => {
  it('cache - an entry is fresh while younger than ttlMs on the injected clock', () => {
    const clock = new ManualClock();
    const cache = createCache<string, number>({ max: 10, ttlMs: 1_000, clock });
    cache.set('a', 1);
    clock.advance(999);
    expect(cache.get('a')).toBe(1);
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('cache - bounded: the least recently used entry goes first', () => {
    const cache = createCache<string, number>({ max: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
    expect(cache.size).toBe(2);
  });

  it('cache - an entry may carry its own lifetime', () => {
    const clock = new ManualClock();
    const cache = createCache<string, number>({ max: 10, clock });
    cache.set('short', 1, ttlOf(50));
    cache.set('forever', 2);
    clock.advance(49);
    expect(cache.get('short')).toBe(1);
    clock.advance(1);
    expect(cache.get('short')).toBeUndefined();
    clock.advance(86_400_000);
    expect(cache.get('forever')).toBe(2);
  });
});
