import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Flashmob } from '../../src/app.ts';
import { DEFAULT_FRAUD_RULES } from '../../src/domain/fraud.ts';
import { listAudit } from '../../src/modules/audit/index.ts';
import { orderPipelineConsumers, type PipelineDeps } from '../../src/modules/pipeline/index.ts';
import type { ConsumerHandle } from '../../src/platform/bus/bus.ts';
import type { ConsumerDefinition } from '../../src/platform/bus/consumer-def.ts';
import {
  appendEvents,
  EVENT_COLUMNS,
  type EventRecord,
  type EventRow,
  toEventRecord,
} from '../../src/platform/bus/events.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { type Actor, makeSale, makeUser, SHIPPING, uniq } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();
/** Quick retries, so that a dead letter comes in a fraction of a second: 20 + 40 + 80 ms. */
const RETRY = { maxDeliver: 4, backoffMs: 20 };
const HAPPY_PATH = [
  'order.placed',
  'order.paid',
  'order.accepted',
  'order.captured',
  'order.packed',
  'order.shipped',
];

const depsOf = (fm: Flashmob): PipelineDeps => ({
  store: fm.store,
  clock: fm.clock,
  logger: fm.logger,
  provider: fm.services.sandbox,
  orders: fm.services.orders,
  onCommit: () => fm.bus.notifyCommitted(),
  paymentRetry: RETRY,
});

describe.each(kinds)('order pipeline (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let host: Actor;
  let admin: Actor;
  const defs = new Map<string, ConsumerDefinition>();
  const handles = new Map<string, ConsumerHandle>();

  // The app is not started: the test runs the pipeline's consumers itself (short retry delays),
  // and can pause one group to hold an order at a step.
  const run = (name: string) => {
    const def = defs.get(name) as ConsumerDefinition;
    handles.set(
      name,
      t.fm.bus.consume(def.name, (e) => def.handle(e), def),
    );
  };
  const pause = async (name: string) => {
    await handles.get(name)?.stop();
    handles.delete(name);
  };

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await createTestApp({
      store: kind,
      clock,
      start: false,
      // Fraud rules are tried on orders of $6,000; the step-up for large orders is mfa-step-up.test.ts's.
      config: { stepUpOrderCents: 100_000_000 },
    });
    for (const def of orderPipelineConsumers(depsOf(t.fm))) defs.set(def.name, def);
    await t.fm.bus.start();
    for (const name of defs.keys()) run(name);
    host = await makeUser(t.fm, 'host');
    admin = await makeUser(t.fm, 'admin');
  });
  afterAll(async () => {
    for (const h of handles.values()) await h.stop();
    await t.close();
  });
  // Each test starts a fresh velocity window: the orders of earlier tests fall out of it.
  beforeEach(() => clock.advance((DEFAULT_FRAUD_RULES.velocityWindowMinutes + 1) * 60_000));

  let ipSeq = 0;
  const newIp = () => `198.51.100.${(ipSeq++ % 250) + 1}`;

  /** A buyer holding units of a fresh item (10 in stock). */
  async function hold(o: { buyer?: Actor; priceCents?: number; quantity?: number } = {}) {
    const buyer = o.buyer ?? (await makeUser(t.fm, 'buyer'));
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10, perBuyerLimit: 10, priceCents: o.priceCents ?? 2_500 }],
    });
    const r = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku: sale.items[0]?.sku, quantity: o.quantity ?? 2, idempotencyKey: uniq('k') },
    });
    expect(r.statusCode).toBe(201);
    return { buyer, sale, reservationId: r.json().reservation.id as string };
  }

  function checkout(
    buyer: Actor,
    reservationId: string,
    o: { payment?: { method: string; token: string }; ip?: string } = {},
  ) {
    return t.fm.app.inject({
      method: 'POST',
      url: '/api/checkout',
      remoteAddress: o.ip ?? newIp(),
      headers: { authorization: `Bearer ${buyer.token}` },
      payload: {
        reservationIds: [reservationId],
        payment: o.payment ?? { method: 'card', token: 'tok_visa' },
        shipping: SHIPPING,
      },
    });
  }

  /** A paid order of a fresh buyer (2 × 2,500 unless told), on its way through the pipeline. */
  async function paidOrder(o: { priceCents?: number; quantity?: number; token?: string } = {}) {
    const h = await hold(o);
    const res = await checkout(h.buyer, h.reservationId, {
      payment: { method: 'card', token: o.token ?? 'tok_visa' },
    });
    expect(res.statusCode).toBe(201);
    return { ...h, orderId: res.json().id as string };
  }

  /** Waits until every running consumer has handled everything, including what they emitted. */
  async function settle() {
    for (;;) {
      const before = await headSeq();
      for (const h of handles.values()) await h.drained();
      await t.fm.services.sandbox.flush();
      if ((await headSeq()) === before) return;
    }
  }
  const headSeq = async () =>
    (await t.fm.store.query<{ n: number }>('select coalesce(max(seq), 0)::int as n from events'))[0]?.n;
  const eventsOf = async (orderId: string) =>
    (
      await t.fm.store.query<{ type: string }>('select type from events where key = $1 order by seq', [
        orderId,
      ])
    ).map((r) => r.type);
  const eventOf = async (orderId: string, type: string): Promise<EventRecord> => {
    const rows = await t.fm.store.query<EventRow>(
      `select ${EVENT_COLUMNS} from events where key = $1 and type = $2`,
      [orderId, type],
    );
    expect(rows).toHaveLength(1);
    return toEventRecord(rows[0] as EventRow);
  };
  const ledger = async (orderId: string) =>
    (
      await t.fm.store.query<{ status: string; captured_cents: number; refunded_cents: number }>(
        'select status, captured_cents, refunded_cents from sandbox_payments where order_id = $1',
        [orderId],
      )
    )[0];
  const order = async (orderId: string) =>
    (await t.fm.services.orders.get(orderId)) as NonNullable<
      Awaited<ReturnType<typeof t.fm.services.orders.get>>
    >;
  const remaining = async (saleId: string) => (await t.fm.services.sales.get(saleId))?.items[0]?.remaining;
  const post = (url: string, token: string | undefined, body?: unknown) =>
    t.http('POST', url, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
  const fraudOf = async (orderId: string) =>
    (await t.http('GET', `/api/orders/${orderId}/fraud`, { token: admin.token })).json();

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
    const [row] = await t.fm.store.query<{ client_ip: string; payment_fingerprint: string; o: string }>(
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
    const payments = defs.get('payments') as ConsumerDefinition;
    await Promise.all([payments.handle(accepted), payments.handle(accepted)]);
    await payments.handle(accepted);
    run('payments'); // its cursor is still before the event: a third delivery
    await settle();
    await defs.get('fraud')?.handle(await eventOf(orderId, 'order.paid'));
    await defs.get('fulfilment')?.handle(await eventOf(orderId, 'order.captured'));
    await settle();
    expect(await eventsOf(orderId)).toEqual(HAPPY_PATH);
    expect(await ledger(orderId)).toMatchObject({ status: 'captured', captured_cents: 5_000 });
    expect((await order(orderId)).state).toBe('shipped');
    const [checks] = await t.fm.store.query<{ n: number }>(
      'select count(*)::int as n from fraud_checks where order_id = $1',
      [orderId],
    );
    expect(checks?.n).toBe(1);
  });

  it('fraud - a sixth order in the window from one account goes to review (velocity_account)', async () => {
    const buyer = await makeUser(t.fm, 'buyer');
    const tokens = ['tok_visa', 'tok_mastercard'];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      clock.advance(1_000);
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
    const [stored] = await t.fm.store.query<{ outcome: string; reasons: string[] }>(
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
      clock.advance(1_000);
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
      clock.advance(1_000);
      const h = await hold({ quantity: 1 });
      const res = await checkout(h.buyer, h.reservationId, { ip: '127.0.0.1', payment: payments[i % 4] });
      fromLoopback.push(res.json().id);
    }
    await settle();
    expect(await fraudOf(fromLoopback.at(-1) as string)).toMatchObject({ outcome: 'accept', reasons: [] });
    clock.advance((DEFAULT_FRAUD_RULES.velocityWindowMinutes + 1) * 60_000);
    const withOneCard: string[] = [];
    for (let i = 0; i <= DEFAULT_FRAUD_RULES.maxOrdersPerCard; i++) {
      clock.advance(1_000);
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
    const [r] = await t.fm.store.query<{ state: string }>('select state from reservations where id = $1', [
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
    const buyer = await makeUser(t.fm, 'buyer');
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
      const bad = await post(url, admin.token, body);
      expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    }
    const ok = await post(url, admin.token, { decision: 'accept' });
    expect([ok.statusCode, ok.json().state]).toEqual([200, 'paid']);
    const again = await post(url, admin.token, { decision: 'accept' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'not_in_review']);
    await settle();
    expect((await order(orderId)).state).toBe('shipped');
    expect(await fraudOf(orderId)).toMatchObject({ decision: 'accept', decidedBy: admin.id });
    expect((await eventOf(orderId, 'order.accepted')).payload).toMatchObject({ reviewedBy: admin.id });
  });

  it('review - rejecting an order in review cancels it, voids it and returns its stock', async () => {
    const { orderId, sale } = await paidOrder({ priceCents: 60_000, quantity: 1 });
    await settle();
    const res = await post(`/api/orders/${orderId}/review`, admin.token, { decision: 'reject' });
    expect(res.json().state).toBe('cancelled');
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'voided' });
    expect(await remaining(sale.id)).toBe(10);
    expect((await eventOf(orderId, 'order.cancelled')).payload).toMatchObject({
      reason: 'fraud_rejected',
      cancelledBy: 'admin',
    });
  });

  it('cancel - its buyer cancels a paid order before it ships: authorisation voided, stock returned', async () => {
    const { orderId, sale, buyer } = await paidOrder({ priceCents: 60_000, quantity: 1 }); // stays in review
    await settle();
    const url = `/api/orders/${orderId}/cancel`;
    const stranger = await makeUser(t.fm, 'buyer');
    expect((await post(url, stranger.token)).json().code).toBe('not_found');
    const refund = await t.http('POST', `/api/orders/${orderId}/refund`, {
      token: admin.token,
      headers: await stepUpHeaders(t, admin.id),
    });
    expect([refund.statusCode, refund.json().code]).toEqual([409, 'order_not_refundable']);
    const res = await post(url, buyer.token, { reason: 'requested' });
    expect([res.statusCode, res.json().state]).toEqual([200, 'cancelled']);
    const twice = await post(url, buyer.token);
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'order_not_cancellable']);
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'voided', captured_cents: 0 });
    expect(await remaining(sale.id)).toBe(10);
    const review = await post(`/api/orders/${orderId}/review`, admin.token, { decision: 'accept' });
    expect(review.json().code).toBe('not_in_review');
  });

  it('cancel - a host cancels their lines of a captured multi-seller order: those are refunded, the rest ships', async () => {
    await pause('fulfilment');
    const buyer = await makeUser(t.fm, 'buyer');
    const otherHost = await makeUser(t.fm, 'host');
    const mine = await makeSale(t.fm, host, { items: [{ stock: 10, perBuyerLimit: 10, priceCents: 2_500 }] });
    const theirs = await makeSale(t.fm, otherHost, {
      items: [{ stock: 10, perBuyerLimit: 10, priceCents: 900 }],
    });
    const claim = async (saleId: string, sku: string) =>
      (
        await t.http('POST', `/api/sales/${saleId}/claims`, {
          token: buyer.token,
          body: { sku, quantity: 2, idempotencyKey: uniq('k') },
        })
      ).json().reservation.id as string;
    const reservationIds = [
      await claim(mine.id, mine.items[0]?.sku as string),
      await claim(theirs.id, theirs.items[0]?.sku as string),
    ];
    const res = await t.fm.app.inject({
      method: 'POST',
      url: '/api/checkout',
      remoteAddress: newIp(),
      headers: { authorization: `Bearer ${buyer.token}` },
      payload: { reservationIds, payment: { method: 'card', token: 'tok_visa' }, shipping: SHIPPING },
    });
    const orderId = res.json().id as string;
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'captured', captured_cents: 6_800 });
    const cancel = await post(`/api/orders/${orderId}/cancel`, host.token);
    expect([cancel.statusCode, cancel.json().state, cancel.json().totalCents]).toEqual([200, 'paid', 1_800]);
    await settle();
    expect(await ledger(orderId)).toMatchObject({ refunded_cents: 5_000 });
    expect([await remaining(mine.id), await remaining(theirs.id)]).toEqual([10, 8]);
    expect((await eventOf(orderId, 'order.lines_cancelled')).payload).toMatchObject({
      amountCents: 5_000,
      sellerId: host.id,
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
    const otherHost = await makeUser(t.fm, 'host');
    expect((await post(`/api/orders/${orderId}/cancel`, otherHost.token)).statusCode).toBe(404);
    const res = await post(`/api/orders/${orderId}/cancel`, host.token);
    expect(res.json().state).toBe('cancelled');
    run('fulfilment');
    await settle();
    expect(await ledger(orderId)).toMatchObject({ status: 'refunded', refunded_cents: 5_000 });
    expect(await remaining(sale.id)).toBe(10);
    expect(await eventsOf(orderId)).toEqual([...HAPPY_PATH.slice(0, 4), 'order.cancelled']);
    expect((await eventOf(orderId, 'order.cancelled')).payload).toMatchObject({ cancelledBy: 'host' });
    // The refused attempt left nothing in the audit log; the host's cancel is there.
    expect(await listAudit(t.fm.store, { target: orderId })).toMatchObject([
      { action: 'order.cancelled', actorId: host.id, actorRole: 'host', details: { as: 'host' } },
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
    expect((await post(url, admin.token, { reason: 'because' })).json().code).toBe('validation_failed');
    expect((await post(url, admin.token, { reason: 'damaged' })).json().code).toBe('step_up_required');
    const headers = await stepUpHeaders(t, admin.id);
    const res = await t.http('POST', url, { token: admin.token, headers, body: { reason: 'damaged' } });
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
    const again = await t.http('POST', url, { token: admin.token, headers });
    expect(again.json().code).toBe('order_not_refundable');
    expect(await listAudit(t.fm.store, { target: orderId })).toMatchObject([
      {
        action: 'order.refunded',
        actorId: admin.id,
        actorRole: 'admin',
        targetType: 'order',
        details: { reason: 'damaged', amountCents: 5_000, currency: 'USD', unitsReturned: 0 },
      },
    ]);
  });

  it('payments - a capture that keeps failing is retried with backoff, dead-lettered, then retried after the fix', async () => {
    const started = Date.now();
    const { orderId } = await paidOrder({ token: 'tok_capture_fail' });
    await settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 + 80);
    const accepted = await eventOf(orderId, 'order.accepted');
    const letters = (await t.fm.bus.listDeadLetters('payments')).filter((l) => l.eventId === accepted.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ type: 'order.accepted', attempts: RETRY.maxDeliver });
    expect(letters[0]?.error).toContain('issuer unavailable');
    expect(await order(orderId)).toMatchObject({ state: 'paid', payment: { status: 'authorized' } });

    await t.fm.store.query(`update sandbox_payments set token = 'tok_visa' where order_id = $1`, [orderId]);
    expect(await t.fm.bus.retryDeadLetter(letters[0]?.id as number)).toBe(true);
    for (let i = 0; i < 200 && (await t.fm.bus.listDeadLetters('payments')).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await t.fm.bus.listDeadLetters('payments')).toHaveLength(0);
    await settle();
    expect((await order(orderId)).state).toBe('shipped');
    expect(await eventsOf(orderId)).toEqual(HAPPY_PATH);
  });

  it('payments - a backlog of orders is captured in parallel, once each; a failing one holds none of the others', async () => {
    await pause('payments');
    const good = await Promise.all(Array.from({ length: 12 }, () => paidOrder()));
    const bad = await paidOrder({ token: 'tok_capture_fail' });
    await settle(); // screened and accepted while payments is paused
    const sandbox = t.fm.services.sandbox;
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
    const [letter] = (await t.fm.bus.listDeadLetters('payments')).filter((l) => l.eventId === accepted.id);
    expect(letter?.attempts).toBe(RETRY.maxDeliver);
    await t.fm.bus.dropDeadLetter(letter?.id as number);
  });

  it('fulfilment - the host who sold a shipped order confirms its delivery; others cannot', async () => {
    const { orderId, buyer } = await paidOrder();
    await settle();
    const url = `/api/orders/${orderId}/fulfilment`;
    const otherHost = await makeUser(t.fm, 'host');
    expect((await post(url, otherHost.token, { action: 'deliver' })).json().code).toBe('not_found');
    expect((await post(url, buyer.token, { action: 'deliver' })).json().code).toBe('forbidden');
    for (const body of [{ action: 'lose' }, { action: 'deliver', at: 'now' }, undefined]) {
      expect((await post(url, host.token, body)).json().code).toBe('validation_failed');
    }
    const res = await post(url, host.token, { action: 'deliver' });
    expect([res.statusCode, res.json().state]).toEqual([200, 'delivered']);
    expect(res.json().fulfilment).toMatchObject({
      trackingNumber: expect.any(String),
      deliveredAt: expect.any(String),
    });
    const again = await post(url, admin.token, { action: 'deliver' });
    expect([again.statusCode, again.json().code, again.json().state]).toEqual([
      409,
      'order_not_shipped',
      'delivered',
    ]);
    expect((await eventOf(orderId, 'order.delivered')).payload).toMatchObject({ orderId, buyerId: buyer.id });
  });

  it('fulfilment - a prize without an address waits packed until its winner adds one', async () => {
    const winner = await makeUser(t.fm, 'buyer');
    const orderId = newId('order');
    const payment = { provider: 'none', method: 'card', status: 'captured', label: 'Giveaway prize' };
    await t.fm.store.transaction(async (tx) => {
      await tx.query(
        `insert into orders (id, buyer_id, state, source, total_cents, currency, payment, created_at, updated_at)
         values ($1, $2, 'paid', 'giveaway', 0, 'USD', $3::jsonb, $4, $4)`,
        [orderId, winner.id, JSON.stringify(payment), new Date(clock.now())],
      );
      await appendEvents(tx, [
        {
          type: 'order.paid',
          key: orderId,
          payload: { orderId, buyerId: winner.id, totalCents: 0, currency: 'USD', source: 'giveaway' },
        },
      ]);
    });
    t.fm.bus.notifyCommitted();
    await settle();
    expect((await order(orderId)).state).toBe('packed');
    const put = await t.http('PUT', `/api/orders/${orderId}/shipping`, {
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
      ['host refunds', () => post(`/api/orders/${orderId}/refund`, host.token), 403, 'forbidden'],
      [
        'review without a body',
        () => post(`/api/orders/${orderId}/review`, admin.token),
        400,
        'validation_failed',
      ],
      [
        'buyer reads fraud',
        () => t.http('GET', `/api/orders/${orderId}/fraud`, { token: buyer.token }),
        403,
        'forbidden',
      ],
      [
        'unscreened order',
        () => t.http('GET', `/api/orders/${unknown}/fraud`, { token: admin.token }),
        404,
        'not_found',
      ],
      [
        'review of an unknown order',
        () => post(`/api/orders/${unknown}/review`, admin.token, { decision: 'accept' }),
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
