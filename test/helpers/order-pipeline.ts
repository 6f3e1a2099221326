import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Flashmob } from '../../src/app.ts';
import { DEFAULT_FRAUD_RULES } from '../../src/domain/fraud.ts';
import { orderPipelineConsumers, type PipelineDeps } from '../../src/modules/pipeline/index.ts';
import type { ConsumerHandle } from '../../src/platform/bus/bus.ts';
import type { ConsumerDefinition } from '../../src/platform/bus/consumer-def.ts';
import {
  EVENT_COLUMNS,
  type EventRecord,
  type EventRow,
  toEventRecord,
} from '../../src/platform/bus/events.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import type { StoreKind } from '../../src/platform/store/store.ts';
import { type Actor, makeSale, makeUser, SHIPPING, uniq } from '../factories/index.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/** Quick retries, so that a dead letter comes in a fraction of a second: 20 + 40 + 80 ms. */
export const RETRY = { maxDeliver: 4, backoffMs: 20 };

export const HAPPY_PATH = [
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

export type Payment = { method: string; token: string };

/**
 * The order pipeline's test bench, for the `describe` it is called in: an app that is not started
 * (the tests run the pipeline's consumers themselves, with short retry delays, and can pause one
 * group to hold an order at a step), a ManualClock, a host and an admin, and the questions the
 * tests ask of orders, events and the sandbox ledger. Each test starts a fresh fraud velocity
 * window: the orders of earlier tests fall out of it.
 */
export function usePipeline(kind: StoreKind) {
  let t: TestApp | undefined;
  let clock: ManualClock | undefined;
  let host: Actor | undefined;
  let admin: Actor | undefined;
  const defs = new Map<string, ConsumerDefinition>();
  const handles = new Map<string, ConsumerHandle>();
  const app = () => t as TestApp;

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
    await t?.close();
  });
  beforeEach(() => clock?.advance((DEFAULT_FRAUD_RULES.velocityWindowMinutes + 1) * 60_000));

  /** Starts (again) the consumer group `name`: it resumes from its cursor. */
  function run(name: string): void {
    const def = defs.get(name) as ConsumerDefinition;
    handles.set(
      name,
      app().fm.bus.consume(def.name, (e) => def.handle(e), def),
    );
  }
  async function pause(name: string): Promise<void> {
    await handles.get(name)?.stop();
    handles.delete(name);
  }

  let ipSeq = 0;
  const newIp = () => `198.51.100.${(ipSeq++ % 250) + 1}`;

  /** A buyer holding units of a fresh item (10 in stock). */
  async function hold(o: { buyer?: Actor; priceCents?: number; quantity?: number } = {}) {
    const buyer = o.buyer ?? (await makeUser(app().fm, 'buyer'));
    const sale = await makeSale(app().fm, host as Actor, {
      items: [{ stock: 10, perBuyerLimit: 10, priceCents: o.priceCents ?? 2_500 }],
    });
    const r = await app().http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku: sale.items[0]?.sku, quantity: o.quantity ?? 2, idempotencyKey: uniq('k') },
    });
    expect(r.statusCode).toBe(201);
    return { buyer, sale, reservationId: r.json().reservation.id as string };
  }

  /** POST /api/checkout for these holds, from a client IP of its own unless told. */
  function checkout(
    buyer: Actor,
    reservationIds: string | string[],
    o: { payment?: Payment | undefined; ip?: string } = {},
  ) {
    return app().fm.app.inject({
      method: 'POST',
      url: '/api/checkout',
      remoteAddress: o.ip ?? newIp(),
      headers: { authorization: `Bearer ${buyer.token}` },
      payload: {
        reservationIds: Array.isArray(reservationIds) ? reservationIds : [reservationIds],
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

  const headSeq = async () =>
    (await app().fm.store.query<{ n: number }>('select coalesce(max(seq), 0)::int as n from events'))[0]?.n;

  /** Waits until every running consumer has handled everything, including what they emitted. */
  async function settle(): Promise<void> {
    for (;;) {
      const before = await headSeq();
      for (const h of handles.values()) await h.drained();
      await app().fm.services.sandbox.flush();
      if ((await headSeq()) === before) return;
    }
  }

  const eventsOf = async (orderId: string) =>
    (
      await app().fm.store.query<{ type: string }>('select type from events where key = $1 order by seq', [
        orderId,
      ])
    ).map((r) => r.type);
  const eventOf = async (orderId: string, type: string): Promise<EventRecord> => {
    const rows = await app().fm.store.query<EventRow>(
      `select ${EVENT_COLUMNS} from events where key = $1 and type = $2`,
      [orderId, type],
    );
    expect(rows).toHaveLength(1);
    return toEventRecord(rows[0] as EventRow);
  };
  const ledger = async (orderId: string) =>
    (
      await app().fm.store.query<{ status: string; captured_cents: number; refunded_cents: number }>(
        'select status, captured_cents, refunded_cents from sandbox_payments where order_id = $1',
        [orderId],
      )
    )[0];
  const order = async (orderId: string) => {
    const o = await app().fm.services.orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    return o;
  };
  const remaining = async (saleId: string) =>
    (await app().fm.services.sales.get(saleId))?.items[0]?.remaining;
  const post = (url: string, token: string | undefined, body?: unknown) =>
    app().http('POST', url, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
  const fraudOf = async (orderId: string) =>
    (await app().http('GET', `/api/orders/${orderId}/fraud`, { token: (admin as Actor).token })).json();

  return {
    get t() {
      return app();
    },
    get clock() {
      return clock as ManualClock;
    },
    get host() {
      return host as Actor;
    },
    get admin() {
      return admin as Actor;
    },
    defs,
    run,
    pause,
    hold,
    checkout,
    paidOrder,
    settle,
    eventsOf,
    eventOf,
    ledger,
    order,
    remaining,
    post,
    fraudOf,
  };
}
