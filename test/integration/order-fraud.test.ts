import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAUD_RULES } from '../../src/domain/fraud.ts';
import { makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { usePipeline } from '../helpers/order-pipeline.ts';

/**
 * The fraud screen of the order pipeline: velocity by account, IP and card, very high amounts,
 * repeated declines, and an admin's review of an order it held.
 */
describe.each(await storeKinds())('order fraud screening (%s)', (kind) => {
  const p = usePipeline(kind);
  const { hold, checkout, paidOrder, settle, eventsOf, eventOf, ledger, order, remaining, post, fraudOf } = p;

  it('fraud - a sixth order in the window from one account goes to review (velocity_account)', async () => {
    const buyer = await makeUser(p.t.fm, 'buyer');
    const tokens = ['tok_visa', 'tok_mastercard'];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      p.clock.advance(1_000);
      const h = await hold({ buyer, quantity: 1 });
      const res = await checkout(buyer, h.reservationId, {
        payment: { method: 'card', token: tokens[i % 2] as string },
      });
      ids.push(res.json().id);
    }
    await settle();
    const states = await Promise.all(ids.map(async (id) => (await order(id)).state));
    expect(states).toEqual(['shipped', 'shipped', 'shipped', 'shipped', 'shipped', 'paid']);
    const last = ids[5] as string;
    expect((await eventsOf(last)).at(-1)).toBe('order.review');
    expect((await eventOf(last, 'order.review')).payload).toEqual({ orderId: last, buyerId: buyer.id });
    expect(await fraudOf(last)).toMatchObject({
      outcome: 'review',
      reasons: ['velocity_account'],
      signals: { ordersByAccount: 6 },
      decision: null,
    });
    const [stored] = await p.t.fm.store.query<{ outcome: string; reasons: string[] }>(
      'select outcome, reasons from fraud_checks where order_id = $1',
      [last],
    );
    expect(stored).toEqual({ outcome: 'review', reasons: ['velocity_account'] });
  });

  it('fraud - many orders from one public IP, or with one card, go to review (velocity_ip, velocity_card)', async () => {
    const payments = [
      { method: 'card', token: 'tok_visa' },
      { method: 'card', token: 'tok_mastercard' },
      { method: 'wallet', token: 'wallet_ok' },
      { method: 'bnpl', token: 'bnpl_approve' },
    ];
    const fromOneIp: string[] = [];
    for (let i = 0; i <= DEFAULT_FRAUD_RULES.maxOrdersPerIp; i++) {
      p.clock.advance(1_000);
      const h = await hold({ quantity: 1 });
      const res = await checkout(h.buyer, h.reservationId, { ip: '192.0.2.10', payment: payments[i % 4] });
      fromOneIp.push(res.json().id);
    }
    await settle();
    expect(await fraudOf(fromOneIp.at(-1) as string)).toMatchObject({
      outcome: 'review',
      reasons: ['velocity_ip'],
    });
    // As many from this machine (loopback: a developer, or a proxy without TRUST_PROXY) say nothing.
    const fromLoopback: string[] = [];
    for (let i = 0; i <= DEFAULT_FRAUD_RULES.maxOrdersPerIp; i++) {
      p.clock.advance(1_000);
      const h = await hold({ quantity: 1 });
      const res = await checkout(h.buyer, h.reservationId, { ip: '127.0.0.1', payment: payments[i % 4] });
      fromLoopback.push(res.json().id);
    }
    await settle();
    expect(await fraudOf(fromLoopback.at(-1) as string)).toMatchObject({ outcome: 'accept', reasons: [] });
    p.clock.advance((DEFAULT_FRAUD_RULES.velocityWindowMinutes + 1) * 60_000);
    const withOneCard: string[] = [];
    for (let i = 0; i <= DEFAULT_FRAUD_RULES.maxOrdersPerCard; i++) {
      p.clock.advance(1_000);
      const h = await hold({ quantity: 1 });
      const res = await checkout(h.buyer, h.reservationId, {
        payment: { method: 'card', token: 'tok_shared' },
      });
      withOneCard.push(res.json().id);
    }
    await settle();
    expect(await fraudOf(withOneCard.at(-1) as string)).toMatchObject({
      outcome: 'review',
      reasons: ['velocity_card'],
    });
    expect((await fraudOf(withOneCard[0] as string)).outcome).toBe('accept');
  });

  it('fraud - a very high amount is rejected: cancelled, authorisation voided, stock returned', async () => {
    const { orderId, sale, buyer, reservationId } = await paidOrder({ priceCents: 600_000, quantity: 1 });
    await settle();
    const o = await order(orderId);
    expect(o.state).toBe('cancelled');
    expect(o.payment).toMatchObject({ status: 'voided', settledAt: expect.any(String) });
    expect(await ledger(orderId)).toMatchObject({ status: 'voided', captured_cents: 0 });
    expect(await remaining(sale.id)).toBe(10);
    const [r] = await p.t.fm.store.query<{ state: string }>('select state from reservations where id = $1', [
      reservationId,
    ]);
    expect(r?.state).toBe('released');
    expect(await eventsOf(orderId)).toEqual(['order.placed', 'order.paid', 'order.cancelled']);
    expect((await eventOf(orderId, 'order.cancelled')).payload).toEqual({
      orderId,
      buyerId: buyer.id,
      reason: 'fraud_rejected',
      cancelledBy: 'fraud',
      unitsReturned: 1,
    });
    expect(await fraudOf(orderId)).toMatchObject({
      outcome: 'reject',
      reasons: ['amount_very_high', 'first_order_high_value'],
    });
  });

  it('fraud - repeated declines before a success are rejected (declines_account)', async () => {
    const buyer = await makeUser(p.t.fm, 'buyer');
    for (let i = 0; i <= DEFAULT_FRAUD_RULES.maxDeclinesPerAccount; i++) {
      const h = await hold({ buyer, quantity: 1 });
      const res = await checkout(buyer, h.reservationId, {
        payment: { method: 'card', token: 'tok_decline' },
      });
      expect(res.statusCode).toBe(402);
    }
    const h = await hold({ buyer, quantity: 1 });
    const res = await checkout(buyer, h.reservationId);
    await settle();
    expect((await order(res.json().id)).state).toBe('cancelled');
    expect(await fraudOf(res.json().id)).toMatchObject({ outcome: 'reject', reasons: ['declines_account'] });
  });

  it('review - an admin accepts an order in review, and it is captured and shipped', async () => {
    const { orderId, buyer } = await paidOrder({ priceCents: 60_000, quantity: 1 });
    await settle();
    expect((await order(orderId)).state).toBe('paid');
    expect(await fraudOf(orderId)).toMatchObject({ outcome: 'review', reasons: ['first_order_high_value'] });
    const url = `/api/orders/${orderId}/review`;
    expect((await post(url, buyer.token, { decision: 'accept' })).json().code).toBe('forbidden');
    for (const body of [{}, { decision: 'maybe' }, { decision: 'accept', note: 'x' }]) {
      const bad = await post(url, p.admin.token, body);
      expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    }
    const ok = await post(url, p.admin.token, { decision: 'accept' });
    expect([ok.statusCode, ok.json().state]).toEqual([200, 'paid']);
    const again = await post(url, p.admin.token, { decision: 'accept' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'not_in_review']);
    await settle();
    expect((await order(orderId)).state).toBe('shipped');
    expect(await fraudOf(orderId)).toMatchObject({ decision: 'accept', decidedBy: p.admin.id });
    expect((await eventOf(orderId, 'order.accepted')).payload).toMatchObject({ reviewedBy: p.admin.id });
  });

  it('review - rejecting an order in review cancels it, voids it and returns its stock', async () => {
    const { orderId, sale } = await paidOrder({ priceCents: 60_000, quantity: 1 });
    await settle();
    const res = await post(`/api/orders/${orderId}/review`, p.admin.token, { decision: 'reject' });
    expect(res.json().state).toBe('cancelled');
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'voided' });
    expect(await remaining(sale.id)).toBe(10);
    expect((await eventOf(orderId, 'order.cancelled')).payload).toMatchObject({
      reason: 'fraud_rejected',
      cancelledBy: 'admin',
    });
  });
});
