import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitment, ticketHash, verifyLineDraw } from '../../src/domain/fair-draw.ts';
import { solve } from '../../src/domain/proof-of-work.ts';
import type { WaitingRoomConfig } from '../../src/modules/sales/types.ts';
import { AdmissionTokens } from '../../src/modules/waiting-room/admission-tokens.ts';
import { publishedLineDraw } from '../../src/modules/waiting-room/line-draw.ts';
import { MemoryQueueStore } from '../../src/modules/waiting-room/memory-queue-store.ts';
import type { QueueStore } from '../../src/modules/waiting-room/queue-store.ts';
import { RedisQueueStore } from '../../src/modules/waiting-room/redis-queue-store.ts';
import { WaitingRoomService } from '../../src/modules/waiting-room/service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { buyer, FakeSales, T0 } from '../factories/waiting-room.ts';
import { SkippingClock } from '../helpers/clock.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { serviceAvailable, TEST_REDIS_URL } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const redisOk = await serviceAvailable('redis');
const kinds = redisOk ? (['memory', 'redis'] as const) : (['memory'] as const);
const logger = createLogger('silent');

describe.each(kinds)('waiting room with a controllable clock (%s)', (kind) => {
  let ts: TestStore;
  let store: QueueStore;
  let clock: ManualClock;
  let sales: FakeSales;
  let wr: WaitingRoomService;
  beforeAll(async () => {
    ts = await createTestStore('pglite');
    store = kind === 'memory' ? await MemoryQueueStore.open(ts.store) : new RedisQueueStore(TEST_REDIS_URL);
    clock = new ManualClock(T0 - 60_000);
    sales = new FakeSales();
    wr = new WaitingRoomService({
      store,
      sales,
      clock,
      logger,
      tokens: new AdmissionTokens(randomBytes(32)),
      powSecret: randomBytes(32),
      nodeId: 'node-1',
    });
  });
  afterAll(async () => {
    await store.close();
    await ts.dispose();
  });

  const config = (over: Partial<WaitingRoomConfig> = {}): WaitingRoomConfig => ({
    admitPerMinute: 60,
    maxActive: 1_000_000,
    opensBeforeSeconds: 600,
    admissionTtlSeconds: 600,
    abandonAfterSeconds: 3_600,
    ...over,
  });

  it('waiting room - joiners before the start are drawn in a uniformly random order (fails for FIFO)', async () => {
    const N = 4;
    const TRIALS = Number(process.env.TRIALS ?? 400);
    const counts = Array.from({ length: N }, () => Array(N).fill(0) as number[]);
    for (let t = 0; t < TRIALS; t++) {
      clock.set(T0 - 30_000);
      const saleId = sales.add(config());
      const tickets: string[] = [];
      for (let i = 0; i < N; i++) {
        clock.advance(1_000); // joiner i arrives a second before joiner i+1
        tickets.push((await wr.join(saleId, buyer(i))).ticket);
      }
      clock.set(T0);
      await wr.tickAll();
      const positions = await store.positions(saleId, tickets);
      for (const [i, id] of tickets.entries()) {
        const p = positions.get(id);
        const row = counts[i] as number[];
        if (p) row[p - 1] = (row[p - 1] ?? 0) + 1;
      }
      sales.sales.delete(saleId);
      await wr.discover();
      if (kind === 'redis') await (store as RedisQueueStore).clear(saleId);
    }
    // Pearson's chi-square over the joiner × place table: (N−1)² = 9 degrees of freedom, whose
    // 99.99th percentile is 33.7. A uniform draw stays below 40 (a false alarm about once in
    // 100,000 runs); arrival order, or any fixed order, scores in the thousands.
    const chiSquare = (table: number[][]) => {
      const expected = TRIALS / N;
      return table.flat().reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    };
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(TRIALS * N);
    expect(chiSquare(counts)).toBeLessThan(40);
    const fifo = Array.from({ length: N }, (_, i) =>
      Array.from({ length: N }, (_, j) => (i === j ? TRIALS : 0)),
    );
    expect(chiSquare(fifo)).toBeGreaterThan(40);
  });

  it('waiting room - a committed draw: the seed is hidden until the line opens, then anyone recomputes the order', async () => {
    clock.set(T0 - 30_000);
    const seed = randomBytes(32).toString('hex');
    const saleId = sales.add(config({ admitPerMinute: 1 }), T0, T0 + 86_400_000, seed);
    const before = await publishedLineDraw(store, sales, saleId);
    expect(before).toMatchObject({
      algorithm: 'flashmob-draw-v1',
      seedHash: commitment(seed),
      seed: null,
      opened: false,
    });
    const tickets: string[] = [];
    for (let i = 0; i < 8; i++) tickets.push((await wr.join(saleId, buyer(100 + i))).ticket);
    clock.set(T0);
    await wr.tickAll();
    const after = await publishedLineDraw(store, sales, saleId);
    expect(after).toMatchObject({ seed, opened: true });
    const draw = {
      seedHash: after.seedHash as string,
      tickets: after.tickets ?? [],
      line: after.line ?? [],
      seed,
    };
    expect(verifyLineDraw(draw)).toEqual({ ok: true });
    // Each buyer finds their ticket's hash; its place in the published order is their place in line.
    const positions = await store.positions(saleId, tickets);
    for (const id of tickets) expect(draw.line.indexOf(ticketHash(id)) + 1).toBe(positions.get(id));
    const swapped = [draw.line[1], draw.line[0], ...draw.line.slice(2)] as string[];
    expect(verifyLineDraw({ ...draw, line: swapped }).ok).toBe(false);
  });

  it('waiting room - later arrivals queue first come, first served behind the drawn block', async () => {
    clock.set(T0 - 10_000);
    const saleId = sales.add(config({ admitPerMinute: 1 }));
    const pre = [await wr.join(saleId, buyer(1)), await wr.join(saleId, buyer(2))];
    expect(pre[0]?.preOpen).toBe(true);
    expect(pre[0]?.position).toBeNull();
    clock.set(T0 + 1_000);
    const late = [await wr.join(saleId, buyer(3)), await wr.join(saleId, buyer(4))];
    await wr.tickAll();
    const positions = await store.positions(
      saleId,
      [...pre, ...late].map((s) => s.ticket),
    );
    expect(
      new Set([positions.get(pre[0]?.ticket as string), positions.get(pre[1]?.ticket as string)]),
    ).toEqual(new Set([1, 2]));
    expect([positions.get(late[0]?.ticket as string), positions.get(late[1]?.ticket as string)]).toEqual([
      3, 4,
    ]);
  });

  it('waiting room - one ticket per account: joining again returns the same ticket', async () => {
    clock.set(T0 + 1_000);
    const saleId = sales.add(config());
    const all = await Promise.all(Array.from({ length: 8 }, () => wr.join(saleId, buyer(7))));
    expect(new Set(all.map((s) => s.ticket)).size).toBe(1);
  });

  it('waiting room - a buyer who left joins again at the back with a new ticket; an ended sale refuses joins', async () => {
    clock.set(T0 + 1_000);
    const saleId = sales.add(config({ admitPerMinute: 1 }), T0, T0 + 60_000);
    const first = await wr.join(saleId, buyer(9_001));
    await wr.join(saleId, buyer(9_002));
    await wr.tickAll();
    expect((await wr.leave(saleId, first.ticket, buyer(9_001).id)).state).toBe('left');
    const again = await wr.join(saleId, buyer(9_001));
    expect(again.created).toBe(true);
    expect(again.ticket).not.toBe(first.ticket);
    await wr.tickAll();
    expect((await store.positions(saleId, [again.ticket])).get(again.ticket)).toBe(2);
    // Joining once more keeps the new place.
    expect((await wr.join(saleId, buyer(9_001))).ticket).toBe(again.ticket);
    expect((await wr.ticketOf(saleId, buyer(9_001).id))?.id).toBe(again.ticket);
    if (kind === 'memory') {
      // After a restart the buyer's newest ticket is still theirs.
      const reopened = await MemoryQueueStore.open(ts.store);
      expect((await reopened.ticketOfBuyer(saleId, buyer(9_001).id))?.id).toBe(again.ticket);
      expect((await reopened.ticket(saleId, first.ticket))?.state).toBe('left');
    }
    clock.set(T0 + 60_000);
    await expect(wr.join(saleId, buyer(9_003))).rejects.toMatchObject({ code: 'ended' });
  });

  it('waiting room - admission follows the configured rate within ±5%, and the ETA follows the observed one', async () => {
    clock.set(T0);
    const saleId = sales.add(config({ admitPerMinute: 300 }));
    const ids = Array.from({ length: 1_400 }, (_, i) => `tkt_r${i}_${saleId.slice(4, 10)}`);
    for (const [i, id] of ids.entries()) {
      await store.join({ id, saleId, buyerId: `b${i}`, state: 'waiting', preOpen: false, joinedAt: T0 });
    }
    await wr.discover();
    await store.touch(saleId, ids, T0 + 3_600_000);
    const start = clock.now();
    for (let t = 0; t < 4 * 240; t++) {
      clock.advance(250);
      await wr.tickAll();
    }
    const minutes = (clock.now() - start) / 60_000;
    const admitted = (await store.counts(saleId, clock.now())).admitted;
    expect(admitted).toBeGreaterThanOrEqual(300 * minutes * 0.95);
    expect(admitted).toBeLessThanOrEqual(300 * minutes * 1.05);
    const view = await wr.hostView(saleId);
    expect(view.observedPerMinute).toBeGreaterThan(300 * 0.9);
    expect(view.observedPerMinute).toBeLessThan(300 * 1.1);
    // The ETA of the one 100 places back is 100 admissions at the observed rate, ~20 s.
    const back = ids[admitted + 99] as string;
    const status = (await wr.statuses(saleId, [back])).get(back);
    expect(status?.position).toBe(100);
    expect(status?.etaSeconds).toBeGreaterThan(18);
    expect(status?.etaSeconds).toBeLessThan(22.5);
  });

  it('waiting room - never more active shoppers than maxActive, as shoppers check out and time out', async () => {
    clock.set(T0);
    const saleId = sales.add(config({ admitPerMinute: 600, maxActive: 10, admissionTtlSeconds: 30 }));
    const joined = [];
    for (let i = 0; i < 200; i++) joined.push(await wr.join(saleId, buyer(1_000 + i)));
    let peak = 0;
    for (let t = 0; t < 4 * 120; t++) {
      clock.advance(250);
      await store.touch(
        saleId,
        joined.map((j) => j.ticket),
        clock.now(),
      );
      await wr.tickAll();
      const { active, admitted } = await store.counts(saleId, clock.now());
      peak = Math.max(peak, active);
      expect(active).toBeLessThanOrEqual(10);
      if (t % 7 === 0 && admitted > 0)
        await wr.finished(saleId, buyer(1_000 + Math.floor(Math.random() * admitted)).id);
    }
    expect(peak).toBe(10);
    expect((await store.counts(saleId, clock.now())).admitted).toBeGreaterThan(10);
  });

  it('waiting room - the host pauses and changes the rate live', async () => {
    clock.set(T0);
    const saleId = sales.add(config({ admitPerMinute: 600 }));
    for (let i = 0; i < 50; i++) await wr.join(saleId, buyer(2_000 + i));
    await wr.updateSettings(saleId, { paused: true });
    for (let t = 0; t < 20; t++) {
      clock.advance(250);
      await wr.tickAll();
    }
    expect((await store.counts(saleId, clock.now())).admitted).toBe(0);
    const view = await wr.updateSettings(saleId, { paused: false, admitPerMinute: 120 });
    expect(view).toMatchObject({ paused: false, admitPerMinute: 120, configuredPerMinute: 600 });
    for (let t = 0; t < 40; t++) {
      clock.advance(250);
      await wr.tickAll();
    }
    const admitted = (await store.counts(saleId, clock.now())).admitted;
    expect(admitted).toBeGreaterThanOrEqual(18);
    expect(admitted).toBeLessThanOrEqual(22);
  });

  it('waiting room - a ticket whose holder went away is skipped', async () => {
    clock.set(T0);
    const saleId = sales.add(config({ admitPerMinute: 600, abandonAfterSeconds: 60 }));
    const gone = await wr.join(saleId, buyer(3_001));
    const here = await wr.join(saleId, buyer(3_002));
    clock.advance(120_000);
    await wr.status(saleId, here.ticket, buyer(3_002).id); // a poll: still here
    for (let t = 0; t < 8; t++) {
      clock.advance(250);
      await wr.tickAll();
    }
    expect((await wr.status(saleId, here.ticket, buyer(3_002).id)).position).toBe(0);
    expect((await store.ticket(saleId, gone.ticket))?.state).toBe('abandoned');
  });

  it('waiting room - proof of work: no solution, a wrong one and a reused one are refused', async () => {
    clock.set(Date.now());
    const saleId = sales.add(config({ proofOfWork: { difficulty: 10 } }), Date.now() - 1_000);
    await expect(wr.join(saleId, buyer(4_001))).rejects.toMatchObject({ code: 'pow_required' });
    const c = await wr.challenge(saleId);
    await expect(
      wr.join(saleId, buyer(4_001), { challenge: `${c.challenge}x`, solution: '1' }),
    ).rejects.toMatchObject({ code: 'pow_invalid' });
    const solution = solve(c.challenge, c.difficulty) as string;
    // Any counter below the first solution does not meet the difficulty.
    const wrong = Number(solution) > 0 ? '0' : undefined;
    if (wrong)
      await expect(
        wr.join(saleId, buyer(4_001), { challenge: c.challenge, solution: wrong }),
      ).rejects.toMatchObject({ code: 'pow_insufficient' });
    const ok = await wr.join(saleId, buyer(4_001), { challenge: c.challenge, solution });
    expect(ok.state).toBe('waiting');
    await expect(wr.join(saleId, buyer(4_002), { challenge: c.challenge, solution })).rejects.toMatchObject({
      code: 'pow_invalid',
    });
  });
});

describe.each(await storeKinds())('the claim endpoint behind a waiting room (%s)', (storeKind) => {
  let t: TestApp;
  let host: Actor;
  const clock = new SkippingClock();
  beforeAll(async () => {
    t = await createTestApp({ store: storeKind, clock });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  it('waiting room - claims without, with an expired, a tampered or another buyer’s admission are 403 not_admitted', async () => {
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10, perBuyerLimit: 2 }],
      waitingRoom: { admitPerMinute: 6_000, maxActive: 100, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const sku = sale.items[0]?.sku as string;
    const [a, b] = await makeBuyers(t.fm, 2);
    const claim = (who: Actor, key: string, admission?: string) =>
      t.http('POST', `/api/sales/${sale.id}/claims`, {
        token: who.token,
        body: { sku, quantity: 1, idempotencyKey: key },
        ...(admission ? { headers: { 'flashmob-admission': admission } } : {}),
      });
    const none = await claim(a as Actor, 'k0');
    expect([none.statusCode, none.json().code]).toEqual([403, 'not_admitted']);

    const joined = await t.http('POST', `/api/sales/${sale.id}/queue`, { token: a?.token, body: {} });
    expect(joined.statusCode).toBe(201);
    expect(
      (await t.http('POST', `/api/sales/${sale.id}/queue`, { token: a?.token, body: {} })).json().ticket,
    ).toBe(joined.json().ticket);
    await t.fm.services.waitingRoom.tickAll();
    clock.advance(50); // the pacer's credit for the first admission
    await t.fm.services.waitingRoom.tickAll();
    const status = (
      await t.http('GET', `/api/sales/${sale.id}/queue/${joined.json().ticket}`, { token: a?.token })
    ).json();
    expect(status.position).toBe(0);
    const token = status.admissionToken as string;

    expect((await claim(a as Actor, 'k1', token)).statusCode).toBe(201);
    const tampered = `${token.slice(0, -3)}${token.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
    expect((await claim(a as Actor, 'k2', tampered)).json().code).toBe('not_admitted');
    expect((await claim(b as Actor, 'k3', token)).json().code).toBe('not_admitted'); // another buyer's token
    const expired = await new AdmissionTokens(t.fm.services.tokens.secretKey).sign({
      buyerId: a?.id as string,
      saleId: sale.id,
      ticketId: joined.json().ticket,
      admittedAt: Date.now() - 120_000,
      expiresAt: Date.now() - 60_000,
    });
    expect((await claim(a as Actor, 'k4', expired)).json().code).toBe('not_admitted');
    const other = await makeSale(t.fm, host, {
      items: [{ stock: 1 }],
      waitingRoom: { admitPerMinute: 60, maxActive: 1, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const wrongSale = await t.http('POST', `/api/sales/${other.id}/claims`, {
      token: a?.token,
      body: { sku: other.items[0]?.sku, quantity: 1, idempotencyKey: 'k5' },
      headers: { 'flashmob-admission': token },
    });
    expect(wrongSale.json().code).toBe('not_admitted');

    // Leaving gives the turn back: the admission stops working at once.
    const left = await t.http('DELETE', `/api/sales/${sale.id}/queue/${joined.json().ticket}`, {
      token: a?.token,
    });
    expect(left.json().state).toBe('left');
    expect((await claim(a as Actor, 'k6', token)).json().code).toBe('not_admitted');
  });

  it('waiting room - the host sees the queue and steers it; buyers may not', async () => {
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10 }],
      waitingRoom: { admitPerMinute: 30, maxActive: 5, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const buyers = await makeBuyers(t.fm, 3);
    for (const b of buyers) await t.http('POST', `/api/sales/${sale.id}/queue`, { token: b.token, body: {} });
    const view = await t.http('GET', `/api/sales/${sale.id}/queue`, { token: host.token });
    expect(view.json()).toMatchObject({ length: 3, maxActive: 5, admitPerMinute: 30, paused: false });
    const patched = await t.http('PATCH', `/api/sales/${sale.id}/queue`, {
      token: host.token,
      body: { paused: true, admitPerMinute: 90 },
    });
    expect(patched.json()).toMatchObject({ paused: true, admitPerMinute: 90 });
    expect((await t.http('GET', `/api/sales/${sale.id}/queue`, { token: buyers[0]?.token })).statusCode).toBe(
      403,
    );
    const otherHost = await makeUser(t.fm, 'host');
    expect(
      (
        await t.http('PATCH', `/api/sales/${sale.id}/queue`, {
          token: otherHost.token,
          body: { paused: false },
        })
      ).statusCode,
    ).toBe(403);
    const bad = await t.http('PATCH', `/api/sales/${sale.id}/queue`, {
      token: host.token,
      body: { admitPerMinute: -1 },
    });
    expect(bad.statusCode).toBe(400);
    const noQueue = await makeSale(t.fm, host, { items: [{ stock: 1 }] });
    expect(
      (await t.http('POST', `/api/sales/${noQueue.id}/queue`, { token: buyers[0]?.token, body: {} })).json()
        .code,
    ).toBe('no_waiting_room');
  });
});
