import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('holds, expiry, release and the waitlist (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let host: Actor;
  let buyers: Actor[];
  beforeAll(async () => {
    clock = new ManualClock();
    t = await createTestApp({ store: kind, clock, start: false });
    host = await makeUser(t.fm, 'host');
    buyers = await makeBuyers(t.fm, 4);
  });
  afterAll(() => t.close());

  const claim = (b: Actor, saleId: string, sku: string, key: string, quantity = 1) =>
    t.http('POST', `/api/sales/${saleId}/claims`, {
      token: b.token,
      body: { sku, quantity, idempotencyKey: key },
    });
  const remaining = async (saleId: string) => (await t.fm.services.sales.get(saleId))?.items[0]?.remaining;
  const [a, b, c] = [0, 1, 2];

  it('holds - an expired hold returns its stock and another buyer can claim it', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 1, perBuyerLimit: 1 }], holdSeconds: 60 });
    const sku = sale.items[0]?.sku as string;
    const first = await claim(buyers[a] as Actor, sale.id, sku, 'e1');
    expect(first.statusCode).toBe(201);
    expect((await claim(buyers[b] as Actor, sale.id, sku, 'e2')).json().code).toBe('sold_out');

    clock.advance(59_000);
    expect(await t.fm.services.sweeper.sweepAll()).toBe(0); // not yet
    clock.advance(1_000);
    expect(await t.fm.services.sweeper.sweepAll()).toBe(1);
    expect(await remaining(sale.id)).toBe(1);
    const held = await t.http('GET', '/api/reservations', { token: (buyers[a] as Actor).token });
    expect(held.json().find((r: any) => r.id === first.json().reservation.id).state).toBe('expired');

    const second = await claim(buyers[b] as Actor, sale.id, sku, 'e3');
    expect(second.statusCode).toBe(201);
    expect(await remaining(sale.id)).toBe(0);
  });

  it('holds - a released hold returns its stock at once; releasing twice is refused', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 2, perBuyerLimit: 2 }] });
    const sku = sale.items[0]?.sku as string;
    const r = await claim(buyers[a] as Actor, sale.id, sku, 'r1', 2);
    expect(await remaining(sale.id)).toBe(0);
    const id = r.json().reservation.id;
    expect(
      (await t.http('DELETE', `/api/reservations/${id}`, { token: (buyers[b] as Actor).token })).statusCode,
    ).toBe(404);
    const rel = await t.http('DELETE', `/api/reservations/${id}`, { token: (buyers[a] as Actor).token });
    expect(rel.statusCode).toBe(200);
    expect(rel.json().reservation.state).toBe('released');
    expect(await remaining(sale.id)).toBe(2);
    const again = await t.http('DELETE', `/api/reservations/${id}`, { token: (buyers[a] as Actor).token });
    expect([again.statusCode, again.json().code]).toEqual([409, 'reservation_not_held']);
    expect((await claim(buyers[c] as Actor, sale.id, sku, 'r2', 2)).statusCode).toBe(201);
  });

  it('holds - released units do not count against the per-buyer limit any more', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5, perBuyerLimit: 1 }] });
    const sku = sale.items[0]?.sku as string;
    const r = await claim(buyers[a] as Actor, sale.id, sku, 'l1');
    expect((await claim(buyers[a] as Actor, sale.id, sku, 'l2')).json().code).toBe('limit_exceeded');
    await t.http('DELETE', `/api/reservations/${r.json().reservation.id}`, {
      token: (buyers[a] as Actor).token,
    });
    expect((await claim(buyers[a] as Actor, sale.id, sku, 'l3')).statusCode).toBe(201);
  });

  it('waitlist - a returned unit goes to the first buyer in line as a fresh hold, before general stock', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 1, perBuyerLimit: 1 }], holdSeconds: 60 });
    const sku = sale.items[0]?.sku as string;
    const notYet = await t.http('POST', `/api/sales/${sale.id}/waitlist`, {
      token: (buyers[b] as Actor).token,
      body: { sku, quantity: 1 },
    });
    expect([notYet.statusCode, notYet.json().code]).toEqual([409, 'not_sold_out']);
    expect((await claim(buyers[a] as Actor, sale.id, sku, 'w1')).statusCode).toBe(201);

    const jb = await t.http('POST', `/api/sales/${sale.id}/waitlist`, {
      token: (buyers[b] as Actor).token,
      body: { sku, quantity: 1 },
    });
    const jc = await t.http('POST', `/api/sales/${sale.id}/waitlist`, {
      token: (buyers[c] as Actor).token,
      body: { sku, quantity: 1 },
    });
    expect([jb.statusCode, jb.json().position, jc.json().position]).toEqual([201, 1, 2]);
    const dup = await t.http('POST', `/api/sales/${sale.id}/waitlist`, {
      token: (buyers[b] as Actor).token,
      body: { sku, quantity: 1 },
    });
    expect(dup.json().code).toBe('already_waitlisted');

    clock.advance(61_000);
    await t.fm.services.sweeper.sweepAll();
    expect(await remaining(sale.id)).toBe(0); // went to the waitlist, not to stock
    const mine = await t.http('GET', '/api/reservations?state=held', { token: (buyers[b] as Actor).token });
    const offered = mine.json().find((r: any) => r.saleId === sale.id);
    expect(offered).toMatchObject({ source: 'waitlist', quantity: 1, state: 'held' });
    const entries = (await t.http('GET', '/api/waitlist', { token: (buyers[c] as Actor).token })).json();
    expect(entries.find((e: any) => e.saleId === sale.id).position).toBe(1);
    const events = await t.fm.store.query<{ payload: any }>(
      `select payload from events where type = 'waitlist.offered' and key = $1`,
      [sale.id],
    );
    expect(events.map((e) => e.payload.buyerId)).toEqual([(buyers[b] as Actor).id]);
    // A general buyer still finds it sold out.
    expect((await claim(buyers[3] as Actor, sale.id, sku, 'w2')).json().code).toBe('sold_out');
  });

  it('holds - stock plus live holds always add up to the initial stock', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 7, perBuyerLimit: 3 }], holdSeconds: 30 });
    const sku = sale.items[0]?.sku as string;
    for (const [i, q] of [
      [0, 2],
      [1, 3],
      [2, 1],
    ] as const)
      await claim(buyers[i] as Actor, sale.id, sku, `s${i}`, q);
    const res = (
      await t.http('GET', '/api/reservations?state=held', { token: (buyers[1] as Actor).token })
    ).json();
    await t.http('DELETE', `/api/reservations/${res.find((r: any) => r.saleId === sale.id).id}`, {
      token: (buyers[1] as Actor).token,
    });
    const [row] = await t.fm.store.query<{ remaining: number; held: number }>(
      `select i.remaining, coalesce((select sum(quantity)::int from reservations r where r.sale_item_id = i.id and r.state in ('held','checked_out')), 0) as held
       from sale_items i where i.sale_id = $1`,
      [sale.id],
    );
    expect((row?.remaining ?? 0) + (row?.held ?? 0)).toBe(7);
  });
});
