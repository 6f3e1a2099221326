import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Counters, RateDecision } from '../../src/platform/counters/counters.ts';
import { MemoryCounters } from '../../src/platform/counters/memory-counters.ts';
import { RedisCounters } from '../../src/platform/counters/redis-counters.ts';
import { serviceAvailable, TEST_REDIS_URL } from '../helpers/services.ts';

const redisOk = await serviceAvailable('redis');
const kinds = redisOk ? (['memory', 'redis'] as const) : (['memory'] as const);

/** Limiter names of this run: Redis keeps its keys between runs. */
const name = () => `t${randomBytes(6).toString('hex')}`;

/** Both shared-counters adapters pass one contract. */
describe.each(kinds)('counters contract (%s)', (kind) => {
  const made: Counters[] = [];
  let embedded: MemoryCounters | undefined;
  /**
   * One node's counters. Redis: an instance (a connection) of its own per node. Embedded: the
   * one process is the one node, so every caller shares its instance.
   */
  const node = (): Counters => {
    if (kind === 'memory') {
      embedded ??= new MemoryCounters();
      return embedded;
    }
    const c = new RedisCounters(TEST_REDIS_URL);
    made.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of made) await c.close();
  });

  it('counters - ready once decisions can be made (a fresh node too), of its kind', async () => {
    const c = node();
    await c.ready();
    expect(c.kind).toBe(kind);
    expect((await c.limiter(name(), { points: 1, windowSeconds: 30 }).consume('k')).allowed).toBe(true);
  });

  it('counters - allows the rule’s points in a window, then refuses with when to retry (within the window)', async () => {
    const c = node();
    await c.ready();
    const limiter = c.limiter(name(), { points: 5, windowSeconds: 30 });
    const allowed: RateDecision[] = [];
    for (let i = 0; i < 5; i++) allowed.push(await limiter.consume('k'));
    expect(allowed.map((d) => [d.allowed, d.remaining, d.retryAfterMs])).toEqual([
      [true, 4, 0],
      [true, 3, 0],
      [true, 2, 0],
      [true, 1, 0],
      [true, 0, 0],
    ]);
    const refused = await limiter.consume('k');
    expect([refused.allowed, refused.remaining]).toEqual([false, 0]);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('counters - a request may cost several points; past the limit it stays refused for the window', async () => {
    const c = node();
    await c.ready();
    const limiter = c.limiter(name(), { points: 5, windowSeconds: 30 });
    expect(await limiter.consume('k', 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect((await limiter.consume('k', 3)).allowed).toBe(false);
    // A refused request counts too (a client hammering a limit does not earn its way back in).
    expect((await limiter.consume('k', 1)).allowed).toBe(false);
  });

  it('counters - keys, and limiters of other names, count apart', async () => {
    const c = node();
    await c.ready();
    const [n1, n2] = [name(), name()];
    const a = c.limiter(n1, { points: 1, windowSeconds: 30 });
    const b = c.limiter(n2, { points: 1, windowSeconds: 30 });
    expect((await a.consume('k')).allowed).toBe(true);
    expect((await a.consume('k')).allowed).toBe(false);
    expect((await a.consume('other')).allowed).toBe(true);
    expect((await b.consume('k')).allowed).toBe(true);
    // Asking for the same limiter again gives the same counts.
    expect((await c.limiter(n1, { points: 1, windowSeconds: 30 }).consume('k')).allowed).toBe(false);
  });

  it('counters - 300 requests at once through two nodes on one key: exactly the points allowed, each seeing its own count', async () => {
    const nodes = [node(), node()];
    await Promise.all(nodes.map((n) => n.ready()));
    const rule = { points: 50, windowSeconds: 30 };
    const n = name();
    const limiters = nodes.map((x) => x.limiter(n, rule));
    const decisions = await Promise.all(
      Array.from({ length: 300 }, (_, i) => limiters[i % 2]?.consume('buyer-1') as Promise<RateDecision>),
    );
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(50);
    // Every allowed request saw a count of its own: 49 left, 48 left, … 0 left, once each.
    expect(allowed.map((d) => d.remaining).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    for (const d of decisions.filter((x) => !x.allowed)) {
      expect(d.retryAfterMs).toBeGreaterThan(0);
      expect(d.retryAfterMs).toBeLessThanOrEqual(30_000);
    }
    // A third node that arrives later sees the same count.
    const late = node();
    await late.ready();
    expect((await late.limiter(n, rule).consume('buyer-1')).allowed).toBe(false);
  });

  it.runIf(kind === 'redis')(
    'counters - with Redis away, a decision fails at once instead of queueing',
    async () => {
      const away = new RedisCounters('redis://127.0.0.1:1');
      made.push(away);
      const started = performance.now();
      await expect(away.limiter(name(), { points: 1, windowSeconds: 1 }).consume('k')).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(1_000);
    },
  );
});
