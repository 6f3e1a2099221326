import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BidEngine } from '../../src/modules/auctions/bid-engine.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import type { AppError } from '../../src/platform/errors.ts';
import { type Actor, makeBuyers, makeUser, SHIPPING } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('live auctions (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let host: Actor;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await createTestApp({ store: kind, clock, start: false });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const start = async (body: Record<string, unknown>) => {
    const { show, skus } = await makeShow(t.fm, host);
    const res = await t.http('POST', `/api/shows/${show.id}/auctions`, {
      token: host.token,
      body: { sku: skus[0], ...body },
    });
    expect(res.statusCode).toBe(201);
    return { show, auction: res.json() };
  };
  const bid = (b: Actor, auctionId: string, amountCents: number, key?: string) =>
    t.http('POST', `/api/auctions/${auctionId}/bids`, {
      token: b.token,
      body: { amountCents, ...(key ? { idempotencyKey: key } : {}) },
    });

  it('auctions - 1,000 concurrent bids from 200 bidders: one consistent winner, the highest valid bid', async () => {
    const { auction } = await start({
      startCents: 1_000,
      incrementCents: 100,
      durationSeconds: 600,
      suddenDeath: true,
    });
    const bidders = await makeBuyers(t.fm, 200);
    const attempts = Array.from({ length: 1_000 }, (_, i) => ({
      b: bidders[i % 200] as Actor,
      amount: 1_000 + Math.floor(Math.random() * 400) * 100 + (Math.random() < 0.2 ? 37 : 0),
    }));
    const results = await Promise.all(attempts.map((a) => bid(a.b, auction.id, a.amount)));
    for (const r of results) expect([201, 409]).toContain(r.statusCode);
    const accepted = results.filter((r) => r.statusCode === 201).map((r) => r.json().bid);
    // Accepted bids form a strictly increasing chain, each at least the previous + increment.
    const stored = await t.fm.store.query<{ amount_cents: number; bidder_id: string }>(
      'select amount_cents, bidder_id from bids where auction_id = $1 order by at, id',
      [auction.id],
    );
    expect(stored.length).toBe(accepted.length);
    const chain = [...stored].sort((a, b) => a.amount_cents - b.amount_cents);
    expect(chain[0]?.amount_cents).toBeGreaterThanOrEqual(1_000);
    for (let i = 1; i < chain.length; i++) {
      expect((chain[i]?.amount_cents ?? 0) - (chain[i - 1]?.amount_cents ?? 0)).toBeGreaterThanOrEqual(100);
      expect(chain[i]?.bidder_id).not.toBe(chain[i - 1]?.bidder_id);
    }
    const top = chain.at(-1);
    clock.advance(601_000);
    expect(await t.fm.services.auctions.settleDue()).toBe(1);
    const settled = (await t.http('GET', `/api/auctions/${auction.id}`)).json();
    expect(settled).toMatchObject({ status: 'sold', winnerId: top?.bidder_id, highCents: top?.amount_cents });
    const order = await t.fm.services.orders.get(settled.orderId);
    expect(order).toMatchObject({
      state: 'pending_payment',
      source: 'auction',
      totalCents: top?.amount_cents,
      buyerId: top?.bidder_id,
    });
  });

  it('auctions - three nodes take 600 bids at once: one chain, no two accepted bids at one amount, the row agrees', async () => {
    // Each node has its own bid writer; their batches meet only on the auction's row lock.
    const { auction } = await start({
      startCents: 1_000,
      incrementCents: 100,
      durationSeconds: 600,
      suddenDeath: true,
    });
    const node = () =>
      new BidEngine({ store: t.fm.store, clock: t.fm.clock, logger: t.fm.logger, onCommit: () => {} });
    const nodes = [t.fm.services.bids, node(), node()];
    const bidders = await makeBuyers(t.fm, 150);
    const answers = await Promise.all(
      Array.from({ length: 600 }, async (_, i) => {
        const bidderId = (bidders[i % 150] as Actor).id;
        const amountCents = 1_000 + Math.floor(Math.random() * 300) * 100;
        return (nodes[i % 3] as BidEngine).bid({ auctionId: auction.id, bidderId, amountCents }).then(
          (ok) => ({ ok: true as const, id: ok.bid.id, bidderId, amountCents }),
          (e: AppError) => ({ ok: false as const, code: e.code }),
        );
      }),
    );
    for (const a of answers) if (!a.ok) expect(['bid_too_low', 'already_highest']).toContain(a.code);
    const accepted = answers.flatMap((a) => (a.ok ? [a] : []));
    const stored = await t.fm.store.query<{ id: string; amount_cents: number; bidder_id: string }>(
      'select id, amount_cents, bidder_id from bids where auction_id = $1 order by amount_cents',
      [auction.id],
    );
    // Every acknowledged bid is stored, nothing else is.
    expect(stored.map((b) => b.id).sort()).toEqual(accepted.map((a) => a.id).sort());
    expect(new Set(stored.map((b) => b.amount_cents)).size).toBe(stored.length);
    for (let i = 1; i < stored.length; i++) {
      const [prev, cur] = [stored[i - 1], stored[i]];
      expect((cur?.amount_cents ?? 0) - (prev?.amount_cents ?? 0)).toBeGreaterThanOrEqual(100);
      expect(cur?.bidder_id).not.toBe(prev?.bidder_id);
    }
    const top = stored.at(-1);
    const [row] = await t.fm.store.query<Record<string, unknown>>(
      'select high_bid_id, high_bidder_id, high_cents, bid_count from auctions where id = $1',
      [auction.id],
    );
    expect(row).toEqual({
      high_bid_id: top?.id,
      high_bidder_id: top?.bidder_id,
      high_cents: top?.amount_cents,
      bid_count: stored.length,
    });
    clock.advance(601_000);
    expect(await t.fm.services.auctions.settleDue()).toBe(1);
  });

  it('auctions - winners double-click pay on their won orders: one charge each, the other clicks 409', async () => {
    const won = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const { auction } = await start({
          startCents: 500,
          incrementCents: 100,
          durationSeconds: 30,
          suddenDeath: true,
        });
        const [winner] = await makeBuyers(t.fm, 1);
        expect((await bid(winner as Actor, auction.id, 700)).statusCode).toBe(201);
        return { auction, winner: winner as Actor };
      }),
    );
    clock.advance(31_000);
    expect(await t.fm.services.auctions.settleDue()).toBe(4);
    const clicks = await Promise.all(
      won.flatMap(({ auction, winner }) =>
        [1, 2, 3, 4].map(async () => {
          const { orderId } = (await t.http('GET', `/api/auctions/${auction.id}`)).json();
          const res = await t.http('POST', `/api/orders/${orderId}/pay`, {
            token: winner.token,
            body: { payment: { method: 'card', token: 'tok_visa' }, shipping: SHIPPING },
          });
          return { orderId: orderId as string, status: res.statusCode, body: res.json() };
        }),
      ),
    );
    for (const orderId of new Set(clicks.map((c) => c.orderId))) {
      const mine = clicks.filter((c) => c.orderId === orderId);
      expect(mine.map((c) => c.status).sort()).toEqual([200, 409, 409, 409]);
      expect(mine.find((c) => c.status === 200)?.body.state).toBe('paid');
      for (const c of mine.filter((x) => x.status === 409))
        expect(c.body.code).toBe('reservation_unavailable');
      const [charges] = await t.fm.store.query<{ n: number }>(
        'select count(*)::int as n from sandbox_payments where order_id = $1',
        [orderId],
      );
      expect(charges?.n).toBe(1);
    }
  });

  it('auctions - a bid in the last seconds pushes the end out (anti-sniping)', async () => {
    const { auction } = await start({
      startCents: 500,
      incrementCents: 50,
      durationSeconds: 60,
      suddenDeath: false,
      extendWindowSeconds: 10,
    });
    const [a, b] = await makeBuyers(t.fm, 2);
    clock.advance(55_000); // 5 s left
    const r = await bid(a as Actor, auction.id, 500);
    expect(r.json()).toMatchObject({ extended: true });
    expect(Date.parse(r.json().endsAt)).toBe(clock.now() + 10_000);
    clock.advance(9_000);
    const r2 = await bid(b as Actor, auction.id, 550);
    expect(Date.parse(r2.json().endsAt)).toBe(clock.now() + 10_000);
    clock.advance(10_000);
    const late = await bid(a as Actor, auction.id, 600);
    expect([late.statusCode, late.json().code]).toEqual([410, 'auction_ended']);
    await t.fm.services.auctions.settleDue();
    expect((await t.http('GET', `/api/auctions/${auction.id}`)).json()).toMatchObject({
      status: 'sold',
      winnerId: (b as Actor).id,
      highCents: 550,
    });
  });

  it('auctions - sudden death never moves the end; refusals say why', async () => {
    const { auction } = await start({
      startCents: 500,
      incrementCents: 50,
      durationSeconds: 30,
      suddenDeath: true,
    });
    const [a, b] = await makeBuyers(t.fm, 2);
    const endsAt = Date.parse(auction.endsAt);
    clock.advance(29_000);
    const r = await bid(a as Actor, auction.id, 500);
    expect(r.json()).toMatchObject({ extended: false });
    expect(Date.parse(r.json().endsAt)).toBe(endsAt);
    expect((await bid(a as Actor, auction.id, 800)).json().code).toBe('already_highest');
    const low = await bid(b as Actor, auction.id, 520);
    expect([low.statusCode, low.json().code, low.json().minimumCents]).toEqual([409, 'bid_too_low', 550]);
    clock.advance(1_000);
    expect((await bid(b as Actor, auction.id, 600)).json().code).toBe('auction_ended');
  });

  it('auctions - below the reserve nothing is sold and no order is made', async () => {
    const { auction } = await start({
      startCents: 100,
      incrementCents: 100,
      durationSeconds: 20,
      suddenDeath: true,
      reserveCents: 5_000,
    });
    const [a] = await makeBuyers(t.fm, 1);
    await bid(a as Actor, auction.id, 1_000);
    const view = (await t.http('GET', `/api/auctions/${auction.id}`)).json();
    expect(view.reserve).toEqual({ set: true, met: false });
    expect(view).not.toHaveProperty('reserveCents');
    clock.advance(21_000);
    await t.fm.services.auctions.settleDue();
    const after = (await t.http('GET', `/api/auctions/${auction.id}`)).json();
    expect(after).toMatchObject({ status: 'reserve_not_met', orderId: null, winnerId: null });
  });

  it('auctions - a retried bid (same key) is one bid', async () => {
    const { auction } = await start({
      startCents: 100,
      incrementCents: 100,
      durationSeconds: 60,
      suddenDeath: true,
    });
    const [a] = await makeBuyers(t.fm, 1);
    const [r1, r2] = await Promise.all([
      bid(a as Actor, auction.id, 100, 'k'),
      bid(a as Actor, auction.id, 100, 'k'),
    ]);
    expect(r1.json().bid.id).toBe(r2.json().bid.id);
    expect((await t.http('GET', `/api/auctions/${auction.id}`)).json().bidCount).toBe(1);
    clock.advance(61_000);
    await t.fm.services.auctions.settleDue();
  });

  it('auctions - when the winner’s payment fails, the runner-up is offered the item at their last bid', async () => {
    const { auction } = await start({
      startCents: 1_000,
      incrementCents: 100,
      durationSeconds: 30,
      suddenDeath: true,
    });
    const [a, b, c] = await makeBuyers(t.fm, 3);
    await bid(b as Actor, auction.id, 1_000);
    await bid(a as Actor, auction.id, 1_200);
    await bid(b as Actor, auction.id, 1_500);
    await bid(c as Actor, auction.id, 1_700);
    clock.advance(31_000);
    await t.fm.services.auctions.settleDue();
    const won = (await t.http('GET', `/api/auctions/${auction.id}`)).json();
    expect(won.winnerId).toBe((c as Actor).id);
    // The winner pays with a card that is declined.
    const declined = await t.http('POST', `/api/orders/${won.orderId}/pay`, {
      token: c?.token,
      body: { payment: { method: 'card', token: 'tok_decline' }, shipping: SHIPPING },
    });
    expect([declined.statusCode, declined.json().code]).toEqual([402, 'payment_declined']);
    const handle = t.fm.bus.consume('auctions-probe', async (e) => {
      if (e.type === 'order.payment_failed')
        await t.fm.services.auctions.onPaymentFailed(String(e.payload['orderId']));
    });
    await t.fm.bus.start();
    await handle.drained();
    await handle.stop();
    const offered = (await t.http('GET', `/api/auctions/${auction.id}`)).json();
    expect(offered.winnerId).toBe((b as Actor).id);
    const order = await t.fm.services.orders.get(offered.orderId);
    expect(order).toMatchObject({ buyerId: (b as Actor).id, totalCents: 1_500, state: 'pending_payment' });
    const paid = await t.http('POST', `/api/orders/${offered.orderId}/pay`, {
      token: b?.token,
      body: { payment: { method: 'card', token: 'tok_visa' }, shipping: SHIPPING },
    });
    expect(paid.json().state).toBe('paid');
    const stranger = await t.http('POST', `/api/orders/${offered.orderId}/pay`, {
      token: a?.token,
      body: { payment: { method: 'card', token: 'tok_visa' }, shipping: SHIPPING },
    });
    expect(stranger.statusCode).toBe(404);
  });

  it('auctions - only the host starts one, only while live, one at a time', async () => {
    const { show, skus } = await makeShow(t.fm, host);
    const buyer = await makeUser(t.fm, 'buyer');
    const body = {
      sku: skus[0],
      startCents: 100,
      incrementCents: 10,
      durationSeconds: 60,
      suddenDeath: false,
    };
    expect(
      (await t.http('POST', `/api/shows/${show.id}/auctions`, { token: buyer.token, body })).statusCode,
    ).toBe(403);
    expect(
      (await t.http('POST', `/api/shows/${show.id}/auctions`, { token: host.token, body })).statusCode,
    ).toBe(201);
    const second = await t.http('POST', `/api/shows/${show.id}/auctions`, { token: host.token, body });
    expect([second.statusCode, second.json().code]).toEqual([409, 'auction_running']);
    const { show: notLive, skus: s2 } = await makeShow(t.fm, host, { live: false });
    const r = await t.http('POST', `/api/shows/${notLive.id}/auctions`, {
      token: host.token,
      body: { ...body, sku: s2[0] },
    });
    expect(r.json().code).toBe('show_not_live');
    clock.advance(61_000);
    await t.fm.services.auctions.settleDue();
  });

  it('auctions - settings the auction rules refuse are 422 invalid_auction naming the field; refusals carry ISO times', async () => {
    const { show, skus } = await makeShow(t.fm, host);
    const body = {
      sku: skus[0],
      startCents: 100,
      incrementCents: 10,
      durationSeconds: 30,
      suddenDeath: true,
    };
    // The schema admits a reserve of 0 (cents may be 0); the auction rules want a positive reserve.
    const bad = await t.http('POST', `/api/shows/${show.id}/auctions`, {
      token: host.token,
      body: { ...body, reserveCents: 0 },
    });
    expect([bad.statusCode, bad.json().code, bad.json().field]).toEqual([
      422,
      'invalid_auction',
      'reserveCents',
    ]);
    const started = await t.http('POST', `/api/shows/${show.id}/auctions`, { token: host.token, body });
    expect(started.statusCode).toBe(201);
    const auction = started.json();
    const [a] = await makeBuyers(t.fm, 1);
    clock.advance(31_000);
    const late = await bid(a as Actor, auction.id, 100);
    expect([late.statusCode, late.json().code, late.json().endsAt]).toEqual([
      410,
      'auction_ended',
      auction.endsAt,
    ]);
    await t.fm.services.auctions.settleDue();
  });
});
