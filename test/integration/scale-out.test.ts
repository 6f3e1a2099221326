import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Flashmob } from '../../src/app.ts';
import { NatsBus } from '../../src/platform/bus/nats-bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openPostgresStore } from '../../src/platform/store/postgres-store.ts';
import { type Actor, makeBuyers, makeSale, makeUser, SHIPPING } from '../factories/index.ts';
import { PrivateNats, serviceAvailable, TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/services.ts';
import { api, type ServerProcess, spawnServer } from '../helpers/spawn-server.ts';
import { createSchema, dropSchema, postgresUrlFor } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

const ok =
  (await serviceAvailable('postgres')) &&
  (await serviceAvailable('nats')) &&
  (await serviceAvailable('redis'));

/**
 * Scale-out mode for real: two api nodes, one realtime node and one worker, as separate
 * processes on the machine's PostgreSQL and Redis, and a NATS JetStream server of this suite's
 * own (the machine's nats-server, on its own port), since one test stops NATS mid-sale.
 */
describe.skipIf(!ok)('scale-out: api ×2, realtime, worker on PostgreSQL, NATS and Redis', () => {
  const secret = randomBytes(32).toString('hex');
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let schema: string;
  let fm: Flashmob;
  let env: Record<string, string>;
  let nats: PrivateNats;
  const nodes: Record<string, ServerProcess> = {};
  beforeAll(async () => {
    nats = await PrivateNats.start();
    schema = await createSchema();
    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema });
    fm = await buildApp(testConfig({ jwtSecret: secret }), { store });
    env = {
      DATABASE_URL: postgresUrlFor(schema),
      NATS_URL: nats.url,
      NATS_PREFIX: prefix,
      REDIS_URL: TEST_REDIS_URL,
      JWT_SECRET: secret,
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: testConfig().dataDir,
      SERVE_WEB: 'false',
    };
    const [a1, a2, rt, wk] = await Promise.all([
      spawnServer({ ...env, ROLE: 'api' }),
      spawnServer({ ...env, ROLE: 'api' }),
      spawnServer({ ...env, ROLE: 'realtime' }),
      spawnServer({ ...env, ROLE: 'worker' }),
    ]);
    Object.assign(nodes, { a1, a2, rt, wk });
  });
  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((n) => n.kill()));
    const cleanup = new NatsBus({
      url: nats.url,
      store: fm.store,
      logger: createLogger('silent'),
      prefix,
      relay: false,
    });
    await cleanup.start().catch(() => {});
    await cleanup.deleteStreams().catch(() => {});
    await cleanup.stop();
    await nats?.stop();
    await fm?.close();
    await fm?.store.close();
    await dropSchema(schema);
  });

  it('scale-out - roles serve what they should', async () => {
    expect((await api(nodes.rt?.url as string, 'GET', '/api/sales')).status).toBe(404);
    expect((await api(nodes.wk?.url as string, 'GET', '/api/sales')).status).toBe(404);
    expect((await api(nodes.a1?.url as string, 'GET', '/api/sales')).status).toBe(200);
    for (const n of Object.values(nodes)) {
      const ready = await api(n.url, 'GET', '/readyz');
      expect(ready.body.checks).toMatchObject({ store: 'ok', bus: 'ok', counters: 'ok', queue: 'ok' });
    }
    const metrics = await fetch(`${nodes.a1?.url}/metrics`);
    expect(await metrics.text()).toContain('flashmob_http_request_duration_seconds');
  });

  it('scale-out - a crowd claims through both api nodes: no oversell; a viewer on the realtime node follows every change to the exact end', async () => {
    const host = await makeUser(fm, 'host');
    const sale = await makeSale(fm, host, { items: [{ stock: 120, perBuyerLimit: 2 }] });
    const sku = sale.items[0]?.sku as string;
    const viewer = await openSocket(nodes.rt?.url as string);
    viewer.send({ op: 'sub', ch: `sale:${sale.id}` });
    await viewer.next((m) => m.ev === 'state' && m.data.items[0].remaining === 120);
    const buyers: Actor[] = await makeBuyers(fm, 200);
    const results = await Promise.all(
      buyers.flatMap((b, i) =>
        [0, 1].map((k) =>
          api(
            (i + k) % 2 === 0 ? (nodes.a1?.url as string) : (nodes.a2?.url as string),
            'POST',
            `/api/sales/${sale.id}/claims`,
            {
              token: b.token,
              body: { sku, quantity: 1, idempotencyKey: `k${k}` },
            },
          ),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(120);
    const last = await viewer.next((m) => m.ev === 'state' && m.data.items[0].remaining === 0, 10_000);
    expect(last.data.status).toBe('sold_out');
    const seen = viewer.messages.filter((m) => m.ev === 'state').map((m) => m.data.items[0].remaining);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThanOrEqual(seen[i - 1]); // never backwards
    viewer.close();
  });

  it('scale-out - orders go through the worker to shipped; the worker killed mid-stream and restarted captures each once and loses none', async () => {
    const host = await makeUser(fm, 'host');
    const sale = await makeSale(fm, host, { items: [{ stock: 100, perBuyerLimit: 1, priceCents: 2_000 }] });
    const sku = sale.items[0]?.sku as string;
    const buyers = await makeBuyers(fm, 40);
    const nodeFor = (i: number) => (i % 2 === 0 ? nodes.a1 : nodes.a2)?.url as string;
    const holds = await Promise.all(
      buyers.map((b, i) =>
        api(nodeFor(i), 'POST', `/api/sales/${sale.id}/claims`, {
          token: b.token,
          body: { sku, quantity: 1, idempotencyKey: 'o' },
        }),
      ),
    );
    expect(holds.map((h) => h.status)).toEqual(buyers.map(() => 201));
    const checkout = (i: number) =>
      api(nodeFor(i + 1), 'POST', '/api/checkout', {
        token: buyers[i]?.token,
        body: {
          reservationIds: [holds[i]?.body.reservation.id],
          payment: { method: 'card', token: 'tok_visa' },
          shipping: SHIPPING,
        },
      });
    const shippedOf = async () =>
      (
        await fm.store.query<{ n: number }>(
          `select count(*)::int as n from orders o join order_lines l on l.order_id = o.id
           where l.sku = $1 and o.state = 'shipped'`,
          [sku],
        )
      )[0]?.n ?? 0;
    // Orders arrive one every 40 ms; the worker is killed once a few have shipped, with the
    // others somewhere between screening, capture and the warehouse, or not placed yet.
    const firstHalf = Promise.all(
      buyers.slice(0, 20).map(async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 40));
        return checkout(i);
      }),
    );
    await expect.poll(shippedOf, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    await nodes.wk?.kill('SIGKILL');
    const shippedAtKill = await shippedOf();
    const paid = [
      ...(await firstHalf),
      ...(await Promise.all(buyers.slice(20).map((_, i) => checkout(i + 20)))),
    ];
    expect(paid.map((r) => r.status)).toEqual(buyers.map(() => 201));
    expect(shippedAtKill).toBeLessThan(20);
    const ids = paid.map((r) => r.body.id as string);
    const states = async (of = ids) =>
      (await fm.store.query<{ state: string }>('select state from orders where id = any($1)', [of])).map(
        (r) => r.state,
      );
    // No worker: the orders placed since wait, paid.
    expect(await states(ids.slice(20))).toEqual(ids.slice(20).map(() => 'paid'));
    nodes.wk = await spawnServer({ ...env, ROLE: 'worker' });
    await expect
      .poll(async () => (await states()).filter((s) => s === 'shipped').length, {
        timeout: 90_000,
        interval: 500,
      })
      .toBe(40);
    // Exactly once: one screening, one capture (one provider webhook), one of each event per order.
    const counts = await fm.store.query<{ type: string; n: number; orders: number }>(
      `select type, count(*)::int as n, count(distinct key)::int as orders from events
       where key = any($1) and type in ('order.accepted', 'order.captured', 'order.packed', 'order.shipped')
       group by type order by type`,
      [ids],
    );
    expect(counts).toEqual(
      ['order.accepted', 'order.captured', 'order.packed', 'order.shipped'].map((type) => ({
        type,
        n: 40,
        orders: 40,
      })),
    );
    const [checks] = await fm.store.query<{ n: number }>(
      'select count(*)::int as n from fraud_checks where order_id = any($1)',
      [ids],
    );
    expect(checks?.n).toBe(40);
    const ledger = await fm.store.query<{ status: string; captured_cents: number }>(
      'select status, captured_cents from sandbox_payments where order_id = any($1)',
      [ids],
    );
    expect(ledger).toEqual(ids.map(() => ({ status: 'captured', captured_cents: 2_000 })));
  });

  it('scale-out - NATS restarted mid-sale: the relay catches up and no event of the outbox is missing on the stream', async () => {
    const host = await makeUser(fm, 'host');
    const sale = await makeSale(fm, host, { items: [{ stock: 10_000, perBuyerLimit: 1_000 }] });
    const sku = sale.items[0]?.sku as string;
    const buyers = await makeBuyers(fm, 20);
    let n = 0;
    let made = 0;
    let running = true;
    const claims = (async () => {
      while (running) {
        await Promise.all(
          buyers.map((b) =>
            api(nodes.a1?.url as string, 'POST', `/api/sales/${sale.id}/claims`, {
              token: b.token,
              body: { sku, quantity: 1, idempotencyKey: `n${n++}` },
            }).then(
              (r) => {
                if (r.status === 201) made += 1;
              },
              () => undefined,
            ),
          ),
        );
      }
    })();
    // Claims go on before, during and after the outage (the outbox keeps what NATS cannot take).
    const claimed = (more: number) => {
      const target = made + more;
      return expect.poll(() => made, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(target);
    };
    await claimed(60);
    await nats.restart(() => claimed(60));
    await claimed(60);
    running = false;
    await claims;
    // Every event the outbox holds is on the stream (checked by event id), once the relay caught up.
    const check = new NatsBus({
      url: nats.url,
      store: fm.store,
      logger: createLogger('silent'),
      prefix,
      relay: false,
    });
    await check.start();
    const outbox = (
      await fm.store.query<{ id: string }>(
        'select id from events where txid < pg_snapshot_xmin(pg_current_snapshot())',
      )
    ).map((r) => r.id);
    let missing: string[] = outbox;
    for (let i = 0; i < 100 && missing.length > 0; i++) {
      const onStream = await check.eventIdsOnStream();
      missing = outbox.filter((id) => !onStream.has(id));
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    await check.stop();
    expect(outbox.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
