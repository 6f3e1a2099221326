import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { ConsumerDefinition } from '../../src/platform/bus/consumer-def.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { HAPPY_PATH, RETRY, usePipeline } from '../helpers/order-pipeline.ts';

/**
 * The order pipeline (fraud screen, payments, fulfilment) run by its consumers: the happy path,
 * redelivery, capture retries and parallel capture. Fraud, cancellations and fulfilment have
 * files of their own; the bench is test/helpers/order-pipeline.ts.
 */
describe.each(await storeKinds())('order pipeline (%s)', (kind) => {
  const p = usePipeline(kind);
  const { run, pause, hold, checkout, paidOrder, settle, eventsOf, eventOf, ledger, order, fraudOf } = p;

  it('pipeline - a paid order is accepted, captured, packed and shipped with a tracking number', async () => {
    const { orderId, buyer } = await paidOrder();
    await settle();
    const o = await order(orderId);
    expect(o.state).toBe('shipped');
    expect(o.payment).toMatchObject({ status: 'captured', capturedAt: expect.any(String) });
    expect(o.fulfilment).toMatchObject({
      trackingNumber: expect.stringMatching(/^SBX[0-9A-Z]{16}$/),
      carrier: 'Sandbox Post',
      packedAt: expect.any(String),
      shippedAt: expect.any(String),
    });
    expect(await eventsOf(orderId)).toEqual(HAPPY_PATH);
    expect((await eventOf(orderId, 'order.shipped')).payload).toEqual({
      orderId,
      buyerId: buyer.id,
      trackingNumber: o.fulfilment?.['trackingNumber'],
      carrier: 'Sandbox Post',
    });
    for (const type of HAPPY_PATH.slice(2)) {
      expect((await eventOf(orderId, type)).payload['buyerId']).toBe(buyer.id);
    }
    expect(await ledger(orderId)).toMatchObject({ status: 'captured', captured_cents: 5_000 });
    expect(await fraudOf(orderId)).toMatchObject({ orderId, outcome: 'accept', reasons: [] });
  });

  it('checkout - an order records its client IP and a fingerprint of its payment, never the token', async () => {
    const h = await hold();
    const res = await checkout(h.buyer, h.reservationId, { ip: '203.0.113.7' });
    const [row] = await p.t.fm.store.query<{ client_ip: string; payment_fingerprint: string; o: string }>(
      'select client_ip, payment_fingerprint, row_to_json(orders)::text as o from orders where id = $1',
      [res.json().id],
    );
    expect(row?.client_ip).toBe('203.0.113.7');
    expect(row?.payment_fingerprint).toBe(
      createHash('sha256').update(`sandbox:${h.buyer.id}:tok_visa`).digest('hex'),
    );
    expect(row?.o).not.toContain('tok_visa');
  });

  it('consumers - a redelivered event has no second effect: one capture, one order.captured', async () => {
    await pause('payments');
    const { orderId } = await paidOrder();
    await settle();
    expect((await order(orderId)).state).toBe('paid');
    const accepted = await eventOf(orderId, 'order.accepted');
    const payments = p.defs.get('payments') as ConsumerDefinition;
    await Promise.all([payments.handle(accepted), payments.handle(accepted)]);
    await payments.handle(accepted);
    run('payments'); // its cursor is still before the event: a third delivery
    await settle();
    await p.defs.get('fraud')?.handle(await eventOf(orderId, 'order.paid'));
    await p.defs.get('fulfilment')?.handle(await eventOf(orderId, 'order.captured'));
    await settle();
    expect(await eventsOf(orderId)).toEqual(HAPPY_PATH);
    expect(await ledger(orderId)).toMatchObject({ status: 'captured', captured_cents: 5_000 });
    expect((await order(orderId)).state).toBe('shipped');
    const [checks] = await p.t.fm.store.query<{ n: number }>(
      'select count(*)::int as n from fraud_checks where order_id = $1',
      [orderId],
    );
    expect(checks?.n).toBe(1);
  });

  it('payments - a capture that keeps failing is retried with backoff, dead-lettered, then retried after the fix', async () => {
    const started = Date.now();
    const { orderId } = await paidOrder({ token: 'tok_capture_fail' });
    await settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 + 80);
    const accepted = await eventOf(orderId, 'order.accepted');
    const letters = (await p.t.fm.bus.listDeadLetters('payments')).filter((l) => l.eventId === accepted.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ type: 'order.accepted', attempts: RETRY.maxDeliver });
    expect(letters[0]?.error).toContain('issuer unavailable');
    expect(await order(orderId)).toMatchObject({ state: 'paid', payment: { status: 'authorized' } });

    await p.t.fm.store.query(`update sandbox_payments set token = 'tok_visa' where order_id = $1`, [orderId]);
    expect(await p.t.fm.bus.retryDeadLetter(letters[0]?.id as number)).toBe(true);
    for (let i = 0; i < 200 && (await p.t.fm.bus.listDeadLetters('payments')).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await p.t.fm.bus.listDeadLetters('payments')).toHaveLength(0);
    await settle();
    expect((await order(orderId)).state).toBe('shipped');
    expect(await eventsOf(orderId)).toEqual(HAPPY_PATH);
  });

  it('payments - a backlog of orders is captured in parallel, once each; a failing one holds none of the others', async () => {
    await pause('payments');
    const good = await Promise.all(Array.from({ length: 12 }, () => paidOrder()));
    const bad = await paidOrder({ token: 'tok_capture_fail' });
    await settle(); // screened and accepted while payments is paused
    const sandbox = p.t.fm.services.sandbox;
    const capture = sandbox.capture.bind(sandbox);
    let inFlight = 0;
    let mostAtOnce = 0;
    const spy = vi.spyOn(sandbox, 'capture').mockImplementation(async (ref, amount) => {
      mostAtOnce = Math.max(mostAtOnce, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 20)); // a provider round trip
        return await capture(ref, amount);
      } finally {
        inFlight--;
      }
    });
    try {
      run('payments');
      await settle();
    } finally {
      spy.mockRestore();
    }
    expect(mostAtOnce).toBeGreaterThan(1);
    for (const g of good) {
      expect((await order(g.orderId)).state).toBe('shipped');
      expect(await eventsOf(g.orderId)).toEqual(HAPPY_PATH);
      expect(await ledger(g.orderId)).toMatchObject({ status: 'captured', captured_cents: 5_000 });
    }
    expect((await order(bad.orderId)).state).toBe('paid');
    const accepted = await eventOf(bad.orderId, 'order.accepted');
    const [letter] = (await p.t.fm.bus.listDeadLetters('payments')).filter((l) => l.eventId === accepted.id);
    expect(letter?.attempts).toBe(RETRY.maxDeliver);
    await p.t.fm.bus.dropDeadLetter(letter?.id as number);
  });
});
