import { describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/platform/bus/events.ts';
import { newId } from '../../src/platform/ids.ts';
import { makeUser, SHIPPING } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { usePipeline } from '../helpers/order-pipeline.ts';

/**
 * Fulfilment after the pipeline ships (delivery confirmed by the host, a prize waiting for an
 * address), and the order routes' refusals.
 */
describe.each(await storeKinds())('order fulfilment and routes (%s)', (kind) => {
  const p = usePipeline(kind);
  const { paidOrder, settle, eventOf, order, post } = p;

  it('fulfilment - the host who sold a shipped order confirms its delivery; others cannot', async () => {
    const { orderId, buyer } = await paidOrder();
    await settle();
    const url = `/api/orders/${orderId}/fulfilment`;
    const otherHost = await makeUser(p.t.fm, 'host');
    expect((await post(url, otherHost.token, { action: 'deliver' })).json().code).toBe('not_found');
    expect((await post(url, buyer.token, { action: 'deliver' })).json().code).toBe('forbidden');
    for (const body of [{ action: 'lose' }, { action: 'deliver', at: 'now' }, undefined]) {
      expect((await post(url, p.host.token, body)).json().code).toBe('validation_failed');
    }
    const res = await post(url, p.host.token, { action: 'deliver' });
    expect([res.statusCode, res.json().state]).toEqual([200, 'delivered']);
    expect(res.json().fulfilment).toMatchObject({
      trackingNumber: expect.any(String),
      deliveredAt: expect.any(String),
    });
    const again = await post(url, p.admin.token, { action: 'deliver' });
    expect([again.statusCode, again.json().code, again.json().state]).toEqual([
      409,
      'order_not_shipped',
      'delivered',
    ]);
    expect((await eventOf(orderId, 'order.delivered')).payload).toMatchObject({ orderId, buyerId: buyer.id });
  });

  it('fulfilment - a prize without an address waits packed until its winner adds one', async () => {
    const winner = await makeUser(p.t.fm, 'buyer');
    const orderId = newId('order');
    const payment = { provider: 'none', method: 'card', status: 'captured', label: 'Giveaway prize' };
    await p.t.fm.store.transaction(async (tx) => {
      await tx.query(
        `insert into orders (id, buyer_id, state, source, total_cents, currency, payment, created_at, updated_at)
         values ($1, $2, 'paid', 'giveaway', 0, 'USD', $3::jsonb, $4, $4)`,
        [orderId, winner.id, JSON.stringify(payment), new Date(p.clock.now())],
      );
      await appendEvents(tx, [
        {
          type: 'order.paid',
          key: orderId,
          payload: { orderId, buyerId: winner.id, totalCents: 0, currency: 'USD', source: 'giveaway' },
        },
      ]);
    });
    p.t.fm.bus.notifyCommitted();
    await settle();
    expect((await order(orderId)).state).toBe('packed');
    const put = await p.t.http('PUT', `/api/orders/${orderId}/shipping`, {
      token: winner.token,
      body: SHIPPING,
    });
    expect(put.statusCode).toBe(200);
    await settle();
    expect(await order(orderId)).toMatchObject({ state: 'shipped', fulfilment: { carrier: 'Sandbox Post' } });
  });

  it('routes - bad input and missing rights get a 4xx problem+json with a stable code', async () => {
    const { orderId, buyer } = await paidOrder();
    const unknown = newId('order');
    const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
      ['malformed id', () => post('/api/orders/nope/cancel', buyer.token), 400, 'validation_failed'],
      ['no token', () => post(`/api/orders/${orderId}/cancel`, undefined), 401, 'unauthenticated'],
      [
        'unknown key',
        () => post(`/api/orders/${orderId}/cancel`, buyer.token, { why: 1 }),
        400,
        'validation_failed',
      ],
      [
        'unknown reason',
        () => post(`/api/orders/${orderId}/cancel`, buyer.token, { reason: 'x' }),
        400,
        'validation_failed',
      ],
      ['no such order', () => post(`/api/orders/${unknown}/cancel`, buyer.token), 404, 'not_found'],
      ['host refunds', () => post(`/api/orders/${orderId}/refund`, p.host.token), 403, 'forbidden'],
      [
        'review without a body',
        () => post(`/api/orders/${orderId}/review`, p.admin.token),
        400,
        'validation_failed',
      ],
      [
        'buyer reads fraud',
        () => p.t.http('GET', `/api/orders/${orderId}/fraud`, { token: buyer.token }),
        403,
        'forbidden',
      ],
      [
        'unscreened order',
        () => p.t.http('GET', `/api/orders/${unknown}/fraud`, { token: p.admin.token }),
        404,
        'not_found',
      ],
      [
        'review of an unknown order',
        () => post(`/api/orders/${unknown}/review`, p.admin.token, { decision: 'accept' }),
        404,
        'not_found',
      ],
    ];
    for (const [name, call, status, code] of cases) {
      const res = await call();
      expect([name, res.statusCode, res.json().code]).toEqual([name, status, code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    await settle();
    expect((await order(orderId)).state).toBe('shipped');
  });
});
