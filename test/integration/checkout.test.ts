import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/modules/payments/webhook-signature.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeBuyers, makeSale, makeUser, SHIPPING } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('checkout and orders (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let host: Actor;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await createTestApp({ store: kind, clock, start: false });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  /** A buyer holding `quantity` units of a fresh item (price 2,500 per unit). */
  async function holding(quantity = 2, buyer?: Actor) {
    const b = buyer ?? (await makeUser(t.fm, 'buyer'));
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10, perBuyerLimit: 5, priceCents: 2_500 }],
      holdSeconds: 120,
    });
    const sku = sale.items[0]?.sku as string;
    const r = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: b.token,
      body: { sku, quantity, idempotencyKey: `c-${sku}` },
    });
    expect(r.statusCode).toBe(201);
    return { buyer: b, sale, reservationId: r.json().reservation.id as string };
  }
  const pay = (
    b: Actor,
    reservationIds: string[],
    payment: Record<string, unknown>,
    shipping: Record<string, unknown> = SHIPPING,
  ) => t.http('POST', '/api/checkout', { token: b.token, body: { reservationIds, payment, shipping } });
  const remaining = async (saleId: string) => (await t.fm.services.sales.get(saleId))?.items[0]?.remaining;

  it('checkout - a card payment turns the holds into one paid order', async () => {
    const h = await holding(2);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_visa' });
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      state: 'paid',
      totalCents: 5_000,
      currency: 'USD',
      payment: { status: 'authorized', label: 'Visa •••• 4242' },
    });
    expect(order.lines).toHaveLength(1);
    const mine = (await t.http('GET', '/api/orders', { token: h.buyer.token })).json();
    expect(mine.map((o: any) => o.id)).toContain(order.id);
    const [r] = await t.fm.store.query<{ state: string; order_id: string }>(
      'select state, order_id from reservations where id = $1',
      [h.reservationId],
    );
    expect(r).toEqual({ state: 'checked_out', order_id: order.id });
    expect(await remaining(h.sale.id)).toBe(8);
    const other = await makeUser(t.fm, 'buyer');
    expect((await t.http('GET', `/api/orders/${order.id}`, { token: other.token })).statusCode).toBe(404);
  });

  it('checkout - a declined card fails the order and returns its stock', async () => {
    const h = await holding(3);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_insufficient_funds' });
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({ code: 'payment_declined', reason: 'insufficient_funds' });
    const order = (await t.http('GET', `/api/orders/${res.json().orderId}`, { token: h.buyer.token })).json();
    expect(order.state).toBe('payment_failed');
    expect(await remaining(h.sale.id)).toBe(10);
    const [r] = await t.fm.store.query<{ state: string }>('select state from reservations where id = $1', [
      h.reservationId,
    ]);
    expect(r?.state).toBe('released');
  });

  it('checkout - a challenged card waits for the challenge, then the signed webhook settles the order', async () => {
    const h = await holding(1);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_3ds' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      state: 'pending_payment',
      payment: { status: 'requires_action', nextAction: { type: 'challenge' } },
    });
    const url = new URL(res.json().payment.nextAction.url, 'http://x').pathname;
    const passed = await t.http('POST', url, { body: { approve: true } });
    expect(passed.statusCode).toBe(200);
    await t.fm.services.sandbox.flush();
    const order = (await t.http('GET', `/api/orders/${res.json().id}`, { token: h.buyer.token })).json();
    expect(order.state).toBe('paid');
    expect((await t.http('POST', url, { body: { approve: true } })).statusCode).toBe(404);
  });

  it('checkout - a failed challenge fails the order and returns the stock', async () => {
    const h = await holding(2);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_3ds' });
    const url = new URL(res.json().payment.nextAction.url, 'http://x').pathname;
    await t.http('POST', url, { body: { approve: false } });
    await t.fm.services.sandbox.flush();
    const order = (await t.http('GET', `/api/orders/${res.json().id}`, { token: h.buyer.token })).json();
    expect([order.state, order.payment.reason]).toEqual(['payment_failed', 'challenge_failed']);
    expect(await remaining(h.sale.id)).toBe(10);
  });

  it('checkout - pay later shows its installment plan; a refusal is a decline', async () => {
    const h = await holding(3);
    const res = await pay(h.buyer, [h.reservationId], { method: 'bnpl', token: 'bnpl_approve' });
    const plan = res.json().payment.installments;
    expect(plan).toHaveLength(4);
    expect(plan.reduce((n: number, i: any) => n + i.amountCents, 0)).toBe(7_500);
    const h2 = await holding(1);
    const no = await pay(h2.buyer, [h2.reservationId], { method: 'bnpl', token: 'bnpl_decline' });
    expect([no.statusCode, no.json().reason]).toEqual([402, 'bnpl_declined']);
    const h3 = await holding(1);
    expect(
      (await pay(h3.buyer, [h3.reservationId], { method: 'wallet', token: 'wallet_ok' })).json().state,
    ).toBe('paid');
  });

  it('checkout - a saved card makes the next checkout one tap (express)', async () => {
    const h = await holding(1);
    await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_mastercard', save: true });
    const methods = (await t.http('GET', '/api/payment-methods', { token: h.buyer.token })).json();
    expect(methods).toHaveLength(1);
    expect(methods[0].label).toBe('Mastercard •••• 4444');
    const h2 = await holding(1, h.buyer);
    const res = await pay(h.buyer, [h2.reservationId], { savedMethodId: methods[0].id });
    expect([res.statusCode, res.json().state]).toEqual([201, 'paid']);
    const stranger = await holding(1);
    const stolen = await pay(stranger.buyer, [stranger.reservationId], { savedMethodId: methods[0].id });
    expect(stolen.json().code).toBe('payment_method_missing');
  });

  it('checkout - a guest checks out with an email for the receipt', async () => {
    const g = await t.fm.services.auth.guest();
    const guest = { id: g.user.id, token: g.token };
    const h = await holding(1, guest);
    const { email: _e, ...noEmail } = SHIPPING;
    const refused = await pay(guest, [h.reservationId], { method: 'card', token: 'tok_visa' }, noEmail);
    expect(refused.statusCode).toBe(400);
    const res = await pay(guest, [h.reservationId], { method: 'card', token: 'tok_visa' });
    expect(res.json().state).toBe('paid');
  });

  it('checkout - a double-clicked pay is one order and one charge', async () => {
    const h = await holding(2);
    const [r1, r2, r3] = await Promise.all(
      [1, 2, 3].map(() => pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_visa' })),
    );
    const ids = new Set([r1, r2, r3].map((r) => r?.json().id));
    expect(ids.size).toBe(1);
    expect([r1, r2, r3].map((r) => r?.statusCode).sort()).toEqual([200, 200, 201]);
    const [row] = await t.fm.store.query<{ n: number }>(
      'select count(*)::int as n from sandbox_payments where order_id = $1',
      [[...ids][0]],
    );
    expect(row?.n).toBe(1);
  });

  it('checkout - 30 buyers double-click two checkouts that share a hold: per buyer one order wins, one charge, the other 409', async () => {
    // Each buyer holds A and B and sends [A] twice and [A, B] twice at once: the four requests
    // race for A's row lock. The winner's twin replays its order; the other body finds A in
    // another order. On PostgreSQL they run truly in parallel on the pool.
    const sale = await makeSale(t.fm, host, {
      items: [
        { stock: 100, perBuyerLimit: 1, priceCents: 1_000 },
        { stock: 100, perBuyerLimit: 1, priceCents: 300 },
      ],
    });
    const [skuA, skuB] = sale.items.map((i) => i.sku) as [string, string];
    const buyers = await makeBuyers(t.fm, 30);
    const held = await Promise.all(
      buyers.map(async (b) => {
        const [a, bb] = await Promise.all(
          [skuA, skuB].map(async (sku) => {
            const r = await t.http('POST', `/api/sales/${sale.id}/claims`, {
              token: b.token,
              body: { sku, quantity: 1, idempotencyKey: `k-${sku}` },
            });
            expect(r.statusCode).toBe(201);
            return r.json().reservation.id as string;
          }),
        );
        return { buyer: b, a: a as string, b: bb as string };
      }),
    );
    const card = { method: 'card', token: 'tok_visa' };
    const results = await Promise.all(
      held.flatMap((h) =>
        [[h.a], [h.a], [h.a, h.b], [h.a, h.b]].map(async (ids) => {
          const res = await pay(h.buyer, ids, card);
          return { h, both: ids.length === 2, status: res.statusCode, body: res.json() };
        }),
      ),
    );
    for (const h of held) {
      const mine = results.filter((r) => r.h === h);
      const won = mine.find((r) => r.status === 201);
      expect(mine.filter((r) => r.status === 201)).toHaveLength(1);
      const twin = mine.find((r) => r !== won && r.both === won?.both);
      expect([twin?.status, twin?.body.id]).toEqual([200, won?.body.id]);
      for (const lost of mine.filter((r) => r.both !== won?.both)) {
        expect([lost.status, lost.body.code]).toEqual([409, 'reservation_unavailable']);
      }
      const orders = await t.fm.store.query<{ id: string; total_cents: number; charges: number }>(
        `select o.id, o.total_cents,
           (select count(*)::int from sandbox_payments p where p.order_id = o.id) as charges
         from orders o where o.buyer_id = $1`,
        [h.buyer.id],
      );
      expect(orders).toEqual([{ id: won?.body.id, total_cents: won?.both ? 1_300 : 1_000, charges: 1 }]);
      const rows = await t.fm.store.query<{ id: string; state: string; order_id: string | null }>(
        'select id, state, order_id from reservations where id = any($1) order by id',
        [[h.a, h.b]],
      );
      for (const r of rows) {
        const inOrder = r.id === h.a || won?.both;
        expect([r.state, r.order_id]).toEqual(inOrder ? ['checked_out', won?.body.id] : ['held', null]);
      }
    }
    const [stock] = await t.fm.store.query<{ remaining: number }>(
      'select sum(remaining)::int as remaining from sale_items where sale_id = $1',
      [sale.id],
    );
    expect(stock?.remaining).toBe(200 - 60);
  });

  it('checkout - an expired hold cannot be checked out', async () => {
    const h = await holding(1);
    clock.advance(121_000);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_visa' });
    expect([res.statusCode, res.json().code]).toEqual([409, 'reservation_unavailable']);
    clock.advance(-121_000);
  });

  it('webhooks - a forged or stale signature is refused; a redelivery is a no-op', async () => {
    const body = JSON.stringify({
      id: 'whe_test1',
      type: 'payment.failed',
      ref: 'sbx_x',
      orderId: 'ord_0000000000000000',
    });
    const forged = await t.http('POST', '/api/payments/webhook', {
      body,
      headers: {
        'content-type': 'application/json',
        'flashmob-signature': signWebhook('wrong-secret', body, clock.now()),
      },
    });
    expect([forged.statusCode, forged.json().code]).toEqual([401, 'invalid_signature']);
    const unsigned = await t.http('POST', '/api/payments/webhook', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(401);

    // A real delivery of the provider, then the same one again.
    const h = await holding(1);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_3ds' });
    const sent: Array<{ body: string; headers: Record<string, string> }> = [];
    t.fm.services.sandbox.setWebhookTransport(async (b, hd) => {
      sent.push({ body: b, headers: hd });
      return (
        await t.fm.app.inject({ method: 'POST', url: '/api/payments/webhook', payload: b, headers: hd })
      ).statusCode;
    });
    await t.http('POST', new URL(res.json().payment.nextAction.url, 'http://x').pathname, {
      body: { approve: true },
    });
    await t.fm.services.sandbox.flush();
    expect(sent).toHaveLength(1);
    const again = await t.fm.app.inject({
      method: 'POST',
      url: '/api/payments/webhook',
      payload: sent[0]?.body,
      headers: sent[0]?.headers,
    });
    expect(again.json()).toEqual({ received: true, duplicate: true });
    const tampered = await t.fm.app.inject({
      method: 'POST',
      url: '/api/payments/webhook',
      payload: sent[0]?.body.replace('authorized', 'failed'),
      headers: sent[0]?.headers,
    });
    expect(tampered.statusCode).toBe(401);
  });

  it('orders - an order left waiting for its payment past the window fails and returns the stock', async () => {
    const h = await holding(2);
    const res = await pay(h.buyer, [h.reservationId], { method: 'card', token: 'tok_3ds' });
    expect(await remaining(h.sale.id)).toBe(8);
    clock.advance(16 * 60_000);
    const failed = await t.fm.services.orders.failStalePayments();
    expect(failed).toContain(res.json().id);
    expect(await remaining(h.sale.id)).toBe(10);
    clock.advance(-16 * 60_000);
  });
});
