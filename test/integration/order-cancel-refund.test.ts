import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/modules/audit/index.ts';
import { makeSale, makeUser, uniq } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { HAPPY_PATH, usePipeline } from '../helpers/order-pipeline.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';

/**
 * Cancelling an order (by its buyer before it ships, by a host for their lines or the whole
 * order) and refunding a shipped one: what happens to the payment, the stock and the audit log.
 */
describe.each(await storeKinds())('order cancellation and refunds (%s)', (kind) => {
  const p = usePipeline(kind);
  const { run, pause, checkout, paidOrder, settle, eventsOf, eventOf, ledger, order, remaining, post } = p;

  it('cancel - its buyer cancels a paid order before it ships: authorisation voided, stock returned', async () => {
    const { orderId, sale, buyer } = await paidOrder({ priceCents: 60_000, quantity: 1 }); // stays in review
    await settle();
    const url = `/api/orders/${orderId}/cancel`;
    const stranger = await makeUser(p.t.fm, 'buyer');
    expect((await post(url, stranger.token)).json().code).toBe('not_found');
    const refund = await p.t.http('POST', `/api/orders/${orderId}/refund`, {
      token: p.admin.token,
      headers: await stepUpHeaders(p.t, p.admin.id),
    });
    expect([refund.statusCode, refund.json().code]).toEqual([409, 'order_not_refundable']);
    const res = await post(url, buyer.token, { reason: 'requested' });
    expect([res.statusCode, res.json().state]).toEqual([200, 'cancelled']);
    const twice = await post(url, buyer.token);
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'order_not_cancellable']);
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'voided', captured_cents: 0 });
    expect(await remaining(sale.id)).toBe(10);
    const review = await post(`/api/orders/${orderId}/review`, p.admin.token, { decision: 'accept' });
    expect(review.json().code).toBe('not_in_review');
  });

  it('cancel - a host cancels their lines of a captured multi-seller order: those are refunded, the rest ships', async () => {
    await pause('fulfilment');
    const buyer = await makeUser(p.t.fm, 'buyer');
    const otherHost = await makeUser(p.t.fm, 'host');
    const mine = await makeSale(p.t.fm, p.host, {
      items: [{ stock: 10, perBuyerLimit: 10, priceCents: 2_500 }],
    });
    const theirs = await makeSale(p.t.fm, otherHost, {
      items: [{ stock: 10, perBuyerLimit: 10, priceCents: 900 }],
    });
    const claim = async (saleId: string, sku: string) =>
      (
        await p.t.http('POST', `/api/sales/${saleId}/claims`, {
          token: buyer.token,
          body: { sku, quantity: 2, idempotencyKey: uniq('k') },
        })
      ).json().reservation.id as string;
    const reservationIds = [
      await claim(mine.id, mine.items[0]?.sku as string),
      await claim(theirs.id, theirs.items[0]?.sku as string),
    ];
    const res = await checkout(buyer, reservationIds);
    const orderId = res.json().id as string;
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'captured', captured_cents: 6_800 });
    const cancel = await post(`/api/orders/${orderId}/cancel`, p.host.token);
    expect([cancel.statusCode, cancel.json().state, cancel.json().totalCents]).toEqual([200, 'paid', 1_800]);
    await settle();
    expect(await ledger(orderId)).toMatchObject({ refunded_cents: 5_000 });
    expect([await remaining(mine.id), await remaining(theirs.id)]).toEqual([10, 8]);
    expect((await eventOf(orderId, 'order.lines_cancelled')).payload).toMatchObject({
      amountCents: 5_000,
      sellerId: p.host.id,
      unitsReturned: 2,
    });
    run('fulfilment');
    await settle();
    expect((await order(orderId)).state).toBe('shipped');
  });

  it('cancel - a captured order cancelled by its host before shipping is refunded, its stock returned', async () => {
    await pause('fulfilment');
    const { orderId, sale } = await paidOrder();
    await settle();
    expect((await order(orderId)).payment?.status).toBe('captured');
    const otherHost = await makeUser(p.t.fm, 'host');
    expect((await post(`/api/orders/${orderId}/cancel`, otherHost.token)).statusCode).toBe(404);
    const res = await post(`/api/orders/${orderId}/cancel`, p.host.token);
    expect(res.json().state).toBe('cancelled');
    run('fulfilment');
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'refunded', refunded_cents: 5_000 });
    expect(await remaining(sale.id)).toBe(10);
    expect(await eventsOf(orderId)).toEqual([...HAPPY_PATH.slice(0, 4), 'order.cancelled']);
    expect((await eventOf(orderId, 'order.cancelled')).payload).toMatchObject({ cancelledBy: 'host' });
    // The refused attempt left nothing in the audit log; the host's cancel is there.
    expect(await listAudit(p.t.fm.store, { target: orderId })).toMatchObject([
      { action: 'order.cancelled', actorId: p.host.id, actorRole: 'host', details: { as: 'host' } },
    ]);
  });

  it('refund - an admin refunds a shipped order; the buyer cannot, and the stock does not come back', async () => {
    const { orderId, sale, buyer } = await paidOrder();
    await settle();
    expect(await remaining(sale.id)).toBe(8);
    const cancel = await post(`/api/orders/${orderId}/cancel`, buyer.token);
    expect([cancel.statusCode, cancel.json().code]).toEqual([409, 'order_not_cancellable']);
    const url = `/api/orders/${orderId}/refund`;
    expect((await post(url, buyer.token)).json().code).toBe('forbidden');
    expect((await post(url, p.admin.token, { reason: 'because' })).json().code).toBe('validation_failed');
    expect((await post(url, p.admin.token, { reason: 'damaged' })).json().code).toBe('step_up_required');
    const headers = await stepUpHeaders(p.t, p.admin.id);
    const res = await p.t.http('POST', url, { token: p.admin.token, headers, body: { reason: 'damaged' } });
    expect([res.statusCode, res.json().state]).toEqual([200, 'refunded']);
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'refunded', refunded_cents: 5_000 });
    expect((await order(orderId)).payment?.status).toBe('refunded');
    expect(await remaining(sale.id)).toBe(8);
    expect((await eventOf(orderId, 'order.refunded')).payload).toEqual({
      orderId,
      buyerId: buyer.id,
      amountCents: 5_000,
      currency: 'USD',
      reason: 'damaged',
      unitsReturned: 0,
    });
    const again = await p.t.http('POST', url, { token: p.admin.token, headers });
    expect(again.json().code).toBe('order_not_refundable');
    expect(await listAudit(p.t.fm.store, { target: orderId })).toMatchObject([
      {
        action: 'order.refunded',
        actorId: p.admin.id,
        actorRole: 'admin',
        targetType: 'order',
        details: { reason: 'damaged', amountCents: 5_000, currency: 'USD', unitsReturned: 0 },
      },
    ]);
  });
});
