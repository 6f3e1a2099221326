import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryQueueStore } from '../../src/modules/waiting-room/memory-queue-store.ts';
import type { QueueStore, Ticket } from '../../src/modules/waiting-room/queue-store.ts';
import { RedisQueueStore } from '../../src/modules/waiting-room/redis-queue-store.ts';
import { serviceAvailable, TEST_REDIS_URL } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const redisOk = await serviceAvailable('redis');
const kinds = redisOk ? (['memory', 'redis'] as const) : (['memory'] as const);

const sale = () => `sal_${randomBytes(8).toString('hex')}`;
const ticket = (saleId: string, buyerId: string, preOpen: boolean, joinedAt = 1_000): Ticket => ({
  id: `tkt_${randomBytes(8).toString('hex')}`,
  saleId,
  buyerId,
  state: 'waiting',
  preOpen,
  joinedAt,
});

/** Both queue adapters pass one contract. */
describe.each(kinds)('queue store contract (%s)', (kind) => {
  let q: QueueStore;
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore('pglite');
    q = kind === 'memory' ? await MemoryQueueStore.open(ts.store) : new RedisQueueStore(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await q.close();
    await ts.dispose();
  });

  it('queue store - one ticket per buyer, however often and however concurrently they join', async () => {
    const s = sale();
    const results = await Promise.all(Array.from({ length: 10 }, () => q.join(ticket(s, 'usr_a', false))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
    expect((await q.ticketOfBuyer(s, 'usr_a'))?.id).toBe(results[0]?.ticket.id);
  });

  it('queue store - post-open joiners are first come first served; the drawn block goes first', async () => {
    const s = sale();
    const pre = [];
    for (let i = 0; i < 3; i++) pre.push((await q.join(ticket(s, `pre${i}`, true))).ticket.id);
    const post = [];
    for (let i = 0; i < 3; i++) post.push((await q.join(ticket(s, `post${i}`, false))).ticket.id);
    expect([...(await q.positions(s, pre)).values()]).toEqual([undefined, undefined, undefined]);
    expect(await q.lineOpened(s)).toBe(false);
    expect((await q.preOpenTickets(s)).sort()).toEqual([...pre].sort());
    const drawn = [pre[2], pre[0], pre[1]] as string[];
    await q.openLine(s, drawn);
    await q.openLine(s, [...drawn].reverse()); // once only
    const positions = await q.positions(s, [...drawn, ...post]);
    expect([...positions.values()]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await q.counts(s, 0)).toMatchObject({ waiting: 6, preOpen: 0, admitted: 0, active: 0 });
  });

  it('queue store - admission skips the departed, frees places, and counts the active', async () => {
    const s = sale();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await q.join(ticket(s, `b${i}`, false, 1_000))).ticket.id);
    await q.touch(s, [ids[0] as string, ids[2] as string, ids[3] as string, ids[4] as string], 5_000); // b1 went quiet
    const v0 = await q.lineVersion(s);
    const next = await q.nextWaiting(s, 2, 2_000);
    expect(next).toEqual([ids[0], ids[2]]);
    expect((await q.ticket(s, ids[1] as string))?.state).toBe('abandoned');
    // Many at once: the same tickets as one by one; unknown ids are left out.
    const many = await q.tickets(s, [...ids, 'tkt_unknown']);
    expect([...many.keys()]).toEqual(ids);
    expect([...many.values()].map((t) => [t.buyerId, t.state])).toEqual([
      ['b0', 'waiting'],
      ['b1', 'abandoned'],
      ['b2', 'waiting'],
      ['b3', 'waiting'],
      ['b4', 'waiting'],
    ]);
    expect(await q.tickets(s, [])).toEqual(new Map());
    await q.admit(s, next, 6_000, 66_000);
    expect(await q.lineVersion(s)).toBeGreaterThan(v0);
    expect([...(await q.positions(s, ids)).values()]).toEqual([0, undefined, 0, 1, 2]);
    expect(await q.counts(s, 10_000)).toMatchObject({ waiting: 2, admitted: 2, active: 2 });
    expect((await q.counts(s, 70_000)).active).toBe(0); // admissions expired
    await q.finish(s, 'b0');
    expect((await q.counts(s, 10_000)).active).toBe(1);
    expect((await q.leave(s, ids[3] as string))?.state).toBe('left');
    expect([...(await q.positions(s, [ids[4] as string])).values()]).toEqual([1]);
    expect(await q.admissions(s, 0)).toEqual([{ at: 6_000, count: 2 }]);
  });

  it('queue store - settings, the admission lease and single-use challenges', async () => {
    const s = sale();
    expect(await q.settings(s)).toEqual({ paused: false });
    expect(await q.updateSettings(s, { admitPerMinute: 90, paused: true })).toEqual({
      admitPerMinute: 90,
      paused: true,
    });
    expect(await q.lead(s, 'node-a', 2_000)).toBe(true);
    expect(await q.lead(s, 'node-b', 2_000)).toBe(false);
    expect(await q.lead(s, 'node-a', 2_000)).toBe(true);
    const id = randomBytes(8).toString('hex');
    expect(await q.spendChallenge(id, Date.now() + 60_000, Date.now())).toBe(true);
    expect(await q.spendChallenge(id, Date.now() + 60_000, Date.now())).toBe(false);
    await q.savePacer(s, { credit: 1.5, lastRefillAt: 42, paused: false });
    expect(await q.pacer(s)).toEqual({ credit: 1.5, lastRefillAt: 42, paused: false });
  });

  it.skipIf(kind !== 'memory')('queue store - the embedded queue survives a restart', async () => {
    const s = sale();
    const a = (await q.join(ticket(s, 'r1', true))).ticket.id;
    const b = (await q.join(ticket(s, 'r2', true))).ticket.id;
    await q.openLine(s, [b, a]);
    await q.admit(s, [b], 1_000, 100_000);
    const reopened = await MemoryQueueStore.open(ts.store);
    expect((await reopened.ticketOfBuyer(s, 'r1'))?.id).toBe(a);
    expect([...(await reopened.positions(s, [b, a])).values()]).toEqual([0, 1]);
    expect(await reopened.lineOpened(s)).toBe(true);
  });
});
