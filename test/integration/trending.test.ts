import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/platform/bus/replay.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('trending (%s)', (kind) => {
  let t: TestApp;
  let host: Actor;
  // The app's clock (sale windows, "now" of the heat); events carry the database's commit time.
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApp({ store: kind, clock, start: false });
    await t.fm.bus.start();
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const claim = (saleId: string, buyer: Actor | undefined, sku: string, quantity: number) =>
    t.http('POST', `/api/sales/${saleId}/claims`, {
      token: buyer?.token,
      body: { sku, quantity, idempotencyKey: `k-${sku}-${quantity}` },
    });
  const heats = async () =>
    (
      await t.fm.store.query<{ kind: string; key: string; score: number }>(
        'select kind, key, score from trending order by kind, key',
      )
    ).map((r) => ({ ...r, score: Number(r.score) }));

  it('trending - claims, waitlist demand and bids warm sales, shows and hashtags; ended ones are left out; a replay rebuilds the same heat', async () => {
    const a = await makeSale(t.fm, host, {
      items: [{ stock: 100, perBuyerLimit: 10 }],
      hashtags: ['sneakers'],
    });
    const b = await makeSale(t.fm, host, { items: [{ stock: 1, perBuyerLimit: 2 }], hashtags: ['vinyl'] });
    const ending = await makeSale(t.fm, host, {
      items: [{ stock: 100, perBuyerLimit: 100 }],
      hashtags: ['gone'],
      endsAt: clock.now() + 60_000,
    });
    const { show, skus } = await makeShow(t.fm, host);
    await t.fm.services.shows.feature({ id: host.id, role: 'host', guest: false }, show.id, {
      sku: skus[0] as string,
      stock: 10,
      priceCents: 2_000,
      perBuyerLimit: 5,
    });
    // Another show with a live auction: 3 bids (2 each).
    const { show: auctionShow, skus: lot } = await makeShow(t.fm, host);
    const auction = await t.http('POST', `/api/shows/${auctionShow.id}/auctions`, {
      token: host.token,
      body: { sku: lot[0], startCents: 1_000, incrementCents: 100, durationSeconds: 600, suddenDeath: true },
    });
    expect(auction.statusCode).toBe(201);
    const buyers = await makeBuyers(t.fm, 4);
    for (const [i, b] of buyers.slice(0, 3).entries()) {
      const bid = await t.http('POST', `/api/auctions/${auction.json().id}/bids`, {
        token: b.token,
        body: { amountCents: 1_000 + i * 100 },
      });
      expect(bid.statusCode).toBe(201);
    }
    const skuA = a.items[0]?.sku as string;
    const skuB = b.items[0]?.sku as string;
    // A: 6 units. B: 1 unit, then sold out, and a buyer asks for 2 on its waitlist (2 × 2).
    expect((await claim(a.id, buyers[0], skuA, 4)).statusCode).toBe(201);
    expect((await claim(a.id, buyers[1], skuA, 2)).statusCode).toBe(201);
    expect((await claim(b.id, buyers[0], skuB, 1)).statusCode).toBe(201);
    const wait = await t.http('POST', `/api/sales/${b.id}/waitlist`, {
      token: buyers[2]?.token,
      body: { sku: skuB, quantity: 2 },
    });
    expect([wait.statusCode, wait.json().code]).toEqual([201, undefined]);
    // The show's featured product: 3 units, on the show's own sale, warm the show.
    expect((await claim(show.saleId, buyers[3], skus[0] as string, 3)).statusCode).toBe(201);
    // The ending sale is the hottest of all, until it ends.
    expect((await claim(ending.id, buyers[3], ending.items[0]?.sku as string, 50)).statusCode).toBe(201);

    await runReplay(t.fm, 'trending', 1);
    const hot = (await t.http('GET', '/api/trending')).json();
    expect(hot.halfLifeMinutes).toBe(10);
    expect(hot.sales.map((s: { sale: { id: string } }) => s.sale.id)).toEqual([ending.id, a.id, b.id]);
    // A few seconds of a 10-minute half-life: within a percent of the raw signal.
    expect(hot.sales[1].heat).toBeGreaterThan(6 * 0.99);
    expect(hot.sales[1].heat).toBeLessThanOrEqual(6);
    expect(hot.sales[2].heat).toBeGreaterThan(5 * 0.99);
    expect(hot.shows.map((s: { show: { id: string } }) => s.show.id)).toEqual([auctionShow.id, show.id]);
    expect(hot.shows[0].heat).toBeGreaterThan(6 * 0.99);
    expect(hot.shows[1].heat).toBeGreaterThan(3 * 0.99);
    const tags = Object.fromEntries(hot.tags.map((x: { tag: string; heat: number }) => [x.tag, x.heat]));
    expect(tags.gone).toBeGreaterThan(49);
    expect(tags.sneakers).toBeGreaterThan(5.9);
    expect(tags.vinyl).toBeGreaterThan(4.9);
    expect(tags.live).toBeGreaterThan(2.9);

    // Redelivered events add nothing; a replay from the start rebuilds exactly the same heat.
    const once = await heats();
    await runReplay(t.fm, 'trending', 1);
    expect(await heats()).toEqual(once);
    await t.fm.store.query(`update trending set score = 999`);
    await runReplay(t.fm, 'trending', 0);
    const rebuilt = await heats();
    expect(rebuilt.map((r) => [r.kind, r.key])).toEqual(once.map((r) => [r.kind, r.key]));
    rebuilt.forEach((r, i) => {
      expect(r.score).toBeCloseTo(once[i]?.score as number, 9);
    });

    // Once ended, a sale leaves the list (its heat stays, for its hashtags).
    clock.advance(61_000);
    const later = (await t.http('GET', '/api/trending?limit=5')).json();
    expect(later.sales.map((s: { sale: { id: string } }) => s.sale.id)).toEqual([a.id, b.id]);
    expect(later.tags[0].tag).toBe('gone');
  });

  it('trending - callers within two seconds share one answer; later ones get a fresh one', async () => {
    const svc = t.fm.services.trending;
    const first = svc.now(7);
    expect(svc.now(7)).toBe(first);
    expect(svc.now(8)).not.toBe(first);
    clock.advance(2_000);
    const fresh = svc.now(7);
    expect(fresh).not.toBe(first);
    expect(Date.parse((await fresh).serverTime) - Date.parse((await first).serverTime)).toBe(2_000);
  });

  it('trending - bad query gets a problem, and cold heat is forgotten', async () => {
    const bad = await t.http('GET', '/api/trending?limit=0');
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    await t.fm.store.query(
      `insert into trending (kind, key, score, at) values ('tag', 'ancient', 1000, now() - interval '3 days')`,
    );
    expect(await t.fm.services.trending.forgetCold()).toBeGreaterThanOrEqual(1);
    expect((await heats()).some((h) => h.key === 'ancient')).toBe(false);
  });
});
