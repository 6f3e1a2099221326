import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchPath, ClaimEngine } from '../../src/modules/claims/engine.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

describe.each(kinds)('claim engine under a flash crowd (%s)', (kind) => {
  let t: TestApp;
  let buyers: Actor[];
  beforeAll(async () => {
    t = await createTestApp({ store: kind });
    buyers = await makeBuyers(t.fm, 500);
  });
  afterAll(() => t.close());

  it('claims - 2,000 concurrent claims from 500 buyers on 100 units with limit 2 and retries: exactly 100 reserved', async () => {
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 100, perBuyerLimit: 2 }] });
    const sku = sale.items[0]?.sku as string;
    // Each buyer: three different claims (k1, k2, k3) and one retry of k1 = 2,000 requests.
    const requests = shuffle(
      buyers.flatMap((b) => ['k1', 'k2', 'k3', 'k1'].map((key) => ({ buyer: b, key }))),
    );
    const responses = await Promise.all(
      requests.map(async (r) => {
        const res = await t.http('POST', `/api/sales/${sale.id}/claims`, {
          token: r.buyer.token,
          body: { sku, quantity: 1, idempotencyKey: r.key },
        });
        return { ...r, status: res.statusCode, body: res.json() as Record<string, any> };
      }),
    );

    const statuses = new Map<number, number>();
    for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    expect([...statuses.keys()].every((s) => s === 201 || s === 409)).toBe(true);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(['sold_out', 'limit_exceeded']).toContain(r.body.code);
    }

    // Every retry of a key that got a reservation got the same one.
    const byKey = new Map<string, Set<string>>();
    for (const r of responses.filter((x) => x.status === 201)) {
      const k = `${r.buyer.id}/${r.key}`;
      byKey.set(k, (byKey.get(k) ?? new Set()).add(r.body.reservation.id));
    }
    for (const ids of byKey.values()) expect(ids.size).toBe(1);

    // The database agrees: exactly the stock, nobody above the limit, every 201 is there.
    const rows = await t.fm.store.query<{ id: string; buyer_id: string; quantity: number }>(
      `select id, buyer_id, quantity from reservations where sale_id = $1 and state = 'held'`,
      [sale.id],
    );
    expect(rows.reduce((n, r) => n + r.quantity, 0)).toBe(100);
    const perBuyer = new Map<string, number>();
    for (const r of rows) perBuyer.set(r.buyer_id, (perBuyer.get(r.buyer_id) ?? 0) + r.quantity);
    expect(Math.max(...perBuyer.values())).toBeLessThanOrEqual(2);
    const acknowledged = new Set([...byKey.values()].flatMap((s) => [...s]));
    expect(new Set(rows.map((r) => r.id))).toEqual(acknowledged);
    const [item] = await t.fm.store.query<{ remaining: number }>(
      'select remaining from sale_items where sale_id = $1',
      [sale.id],
    );
    expect(item?.remaining).toBe(0);
  });

  it('claims - one key sent at once for two items: one reservation per buyer, the other refused; a failed batch write is rolled back and retried, never half-kept', async () => {
    // The two items have their own writers: their batches commit concurrently, and on PostgreSQL
    // the later insert of a (buyer, key) pair fails on the unique index; that batch's
    // transaction is rolled back and decided again, seeing the other item's reservation.
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, {
      items: [
        { stock: 1_000, perBuyerLimit: 5 },
        { stock: 1_000, perBuyerLimit: 5 },
      ],
    });
    const [a, b] = sale.items.map((i) => i.sku) as [string, string];
    const crowd = buyers.slice(0, 200);
    const results = await Promise.all(
      shuffle(crowd.flatMap((buyer) => [a, b].map((sku) => ({ buyer, sku })))).map(async ({ buyer, sku }) => {
        const res = await t.http('POST', `/api/sales/${sale.id}/claims`, {
          token: buyer.token,
          body: { sku, quantity: 1, idempotencyKey: 'one-key' },
        });
        return { buyer: buyer.id, status: res.statusCode, code: res.json().code as string | undefined };
      }),
    );
    for (const buyer of crowd) {
      const mine = results.filter((r) => r.buyer === buyer.id);
      expect(mine.map((r) => r.status).sort()).toEqual([201, 422]);
      expect(mine.find((r) => r.status === 422)?.code).toBe('idempotency_conflict');
    }
    const fresh = await t.fm.services.sales.get(sale.id);
    const remaining = (fresh?.items ?? []).reduce((n, i) => n + i.remaining, 0);
    expect(remaining).toBe(2_000 - 200);
    const [row] = await t.fm.store.query<{ n: number }>(
      "select count(*)::int as n from reservations where sale_id = $1 and idempotency_key = 'one-key'",
      [sale.id],
    );
    expect(row?.n).toBe(200);
  });

  it('claims - a key reused with another body is refused with idempotency_conflict and changes nothing', async () => {
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 10, perBuyerLimit: 5 }] });
    const sku = sale.items[0]?.sku as string;
    const buyer = buyers[0] as Actor;
    const first = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku, quantity: 1, idempotencyKey: 'same' },
    });
    expect(first.statusCode).toBe(201);
    const conflicts = await Promise.all(
      [2, 3, 4].map((q) =>
        t.http('POST', `/api/sales/${sale.id}/claims`, {
          token: buyer.token,
          body: { sku, quantity: q, idempotencyKey: 'same' },
        }),
      ),
    );
    for (const c of conflicts) {
      expect(c.statusCode).toBe(422);
      expect(c.json().code).toBe('idempotency_conflict');
    }
    const again = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku, quantity: 1, idempotencyKey: 'same' },
    });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().reservation.id).toBe(first.json().reservation.id);
    const fresh = await t.fm.services.sales.get(sale.id);
    expect(fresh?.items[0]?.remaining).toBe(9);
  });

  it('claims - two writers on one item (two nodes) while holds are released: a write whose item moved is decided again under the lock; nothing oversold, lost or above the limit', async () => {
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 120, perBuyerLimit: 2 }] });
    const sku = sale.items[0]?.sku as string;
    // Two nodes' claim engines on the same store: their batches race on the item.
    const paths: BatchPath[] = [];
    const node = () =>
      new ClaimEngine({
        store: t.fm.store,
        sales: t.fm.services.sales,
        clock: t.fm.clock,
        logger: t.fm.logger,
        batchMax: 7,
        batchWaitMs: 1,
        onCommit: () => {},
        metrics: { batch: (_n, path) => paths.push(path), outcome: () => {} },
      });
    const engines = [node(), node()];
    const crowd = buyers.slice(0, 300);
    const released = new Set<string>();
    const claims = shuffle(crowd.flatMap((b) => ['a', 'b', 'c'].map((key) => ({ b, key })))).map(
      async ({ b, key }, i) => {
        const result = await (engines[i % 2] as ClaimEngine).claim({
          saleId: sale.id,
          sku,
          quantity: 1,
          buyerId: b.id,
          idempotencyKey: key,
        });
        // Every fifth hold is released at once: its unit goes back while the crowd is still claiming.
        if (result.ok && i % 5 === 0) {
          await t.fm.services.reservations.release(b.id, result.reservation.id);
          released.add(result.reservation.id);
        }
        return { buyer: b.id, key, result };
      },
    );
    const results = await Promise.all(claims);

    // On PostgreSQL the two nodes' writes interleave and conflict; PGlite runs one statement at a
    // time and rarely lets them (the next test forces a conflict on both stores).
    if (kind === 'postgres') expect(paths).toContain('locked');
    const acknowledged = new Map<string, string>();
    for (const r of results) {
      if (r.result.ok) acknowledged.set(r.result.reservation.id, r.buyer);
      else expect(['sold_out', 'limit_exceeded']).toContain(r.result.code);
    }
    const rows = await t.fm.store.query<{ id: string; buyer_id: string; state: string; quantity: number }>(
      'select id, buyer_id, state, quantity from reservations where sale_id = $1',
      [sale.id],
    );
    // Every acknowledged claim is stored, held unless it was released; nothing else was written.
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(acknowledged.keys()));
    for (const r of rows) expect(r.state).toBe(released.has(r.id) ? 'released' : 'held');
    const held = rows.filter((r) => r.state === 'held');
    const perBuyer = new Map<string, number>();
    for (const r of held) perBuyer.set(r.buyer_id, (perBuyer.get(r.buyer_id) ?? 0) + r.quantity);
    expect(Math.max(...perBuyer.values())).toBeLessThanOrEqual(2);
    // Stock and holds add up to what was put on sale.
    const [item] = await t.fm.store.query<{ remaining: number }>(
      'select remaining from sale_items where sale_id = $1',
      [sale.id],
    );
    expect((item?.remaining ?? -1) + held.reduce((n, r) => n + r.quantity, 0)).toBe(120);
    await Promise.all(engines.map((e) => e.drain()));
  });

  it('claims - a hold released between two batches of known buyers: the second write finds the item moved, writes nothing, and is decided again under the lock', async () => {
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 3, perBuyerLimit: 2 }] });
    const sku = sale.items[0]?.sku as string;
    const paths: BatchPath[] = [];
    const engine = new ClaimEngine({
      store: t.fm.store,
      sales: t.fm.services.sales,
      clock: t.fm.clock,
      logger: t.fm.logger,
      batchMax: 10,
      // Long enough for each pair below to make one batch.
      batchWaitMs: 50,
      onCommit: () => {},
      metrics: { batch: (_n, path) => paths.push(path), outcome: () => {} },
    });
    const [alice, bob] = buyers as [Actor, Actor];
    const claim = (buyer: Actor, key: string) =>
      engine.claim({ saleId: sale.id, sku, quantity: 1, buyerId: buyer.id, idempotencyKey: key });
    const first = await Promise.all([claim(alice, 'r1'), claim(bob, 'r1')]);
    expect(first.every((r) => r.ok)).toBe(true);
    // Alice lets hers go (another path moves the item); the engine still knows both buyers.
    const aliceHold = first[0]?.ok ? first[0].reservation.id : '';
    await t.fm.services.reservations.release(alice.id, aliceHold);
    // 2 units left: both fit; Alice is back under her limit.
    const second = await Promise.all([claim(alice, 'r2'), claim(bob, 'r2')]);
    expect(second.map((r) => r.ok)).toEqual([true, true]);
    expect(paths).toEqual(['optimistic', 'locked']);
    const [item] = await t.fm.store.query<{ remaining: number }>(
      'select remaining from sale_items where sale_id = $1',
      [sale.id],
    );
    expect(item?.remaining).toBe(0);
    // Nothing is left for a third claim.
    const third = await claim(bob, 'r3');
    expect(third.ok ? 'reserved' : third.code).toBe('sold_out');
    await engine.drain();
  });
});
