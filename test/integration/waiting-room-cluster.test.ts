import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Flashmob } from '../../src/app.ts';
import { openPostgresStore } from '../../src/platform/store/postgres-store.ts';
import { makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { serviceAvailable, TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/services.ts';
import { api, type ServerProcess, spawnServer } from '../helpers/spawn-server.ts';
import { createSchema, dropSchema, postgresUrlFor } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-app.ts';

const ok = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/** Two server processes sharing one Redis serve one queue: global positions, one admission pace. */
describe.skipIf(!ok)('waiting room across two processes on one Redis', () => {
  const secret = randomBytes(32).toString('hex');
  let schema: string;
  let fm: Flashmob;
  let nodes: ServerProcess[] = [];
  beforeAll(async () => {
    schema = await createSchema();
    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema });
    fm = await buildApp(testConfig({ jwtSecret: secret }), { store });
    const env = {
      DATABASE_URL: postgresUrlFor(schema),
      JWT_SECRET: secret,
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      REDIS_URL: TEST_REDIS_URL,
      DATA_DIR: testConfig().dataDir,
    };
    nodes = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await fm?.close();
    await fm?.store.close();
    await dropSchema(schema);
  });

  it('cluster - positions are global and admissions are not doubled', async () => {
    const host = await makeUser(fm, 'host');
    const sale = await makeSale(fm, host, {
      items: [{ stock: 1_000, perBuyerLimit: 1 }],
      waitingRoom: {
        admitPerMinute: 600,
        maxActive: 10_000,
        opensBeforeSeconds: 60,
        admissionTtlSeconds: 600,
      },
    });
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    // Hold admission while the line forms, so that the order is only the joins'.
    await api(a.url, 'PATCH', `/api/sales/${sale.id}/queue`, { token: host.token, body: { paused: true } });
    const buyers = await makeBuyers(fm, 40);
    const tickets: string[] = [];
    for (const [i, buyer] of buyers.entries()) {
      const node = i % 2 === 0 ? a : b;
      const res = await api(node.url, 'POST', `/api/sales/${sale.id}/queue`, {
        token: buyer.token,
        body: {},
      });
      expect(res.status).toBe(201);
      expect(res.body.position).toBe(i + 1);
      tickets.push(res.body.ticket);
    }
    // Each node sees the same global places.
    for (const [i, buyer] of buyers.entries()) {
      const fromA = await api(a.url, 'GET', `/api/sales/${sale.id}/queue/${tickets[i]}`, {
        token: buyer.token,
      });
      const fromB = await api(b.url, 'GET', `/api/sales/${sale.id}/queue/${tickets[i]}`, {
        token: buyer.token,
      });
      expect([fromA.body.position, fromB.body.position]).toEqual([i + 1, i + 1]);
    }
    // Joining again through the other node gives the same ticket.
    expect(
      (await api(b.url, 'POST', `/api/sales/${sale.id}/queue`, { token: buyers[0]?.token, body: {} })).body
        .ticket,
    ).toBe(tickets[0]);

    await api(b.url, 'PATCH', `/api/sales/${sale.id}/queue`, { token: host.token, body: { paused: false } });
    const started = Date.now();
    // Until a good part of the line is in, however late a loaded machine ticks; then the count
    // is held against the time it took.
    const admitted = async () =>
      (await api(a.url, 'GET', `/api/sales/${sale.id}/queue`, { token: host.token })).body.admitted;
    await expect.poll(admitted, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(15);
    const view = await api(a.url, 'GET', `/api/sales/${sale.id}/queue`, { token: host.token });
    const seconds = (Date.now() - started) / 1000;
    // 10 a second plus the one-second burst the pacer allows; two leaders would admit twice that.
    expect(view.body.admitted).toBeLessThanOrEqual(Math.ceil(10 * seconds) + 11);
    const viewB = await api(b.url, 'GET', `/api/sales/${sale.id}/queue`, { token: host.token });
    expect(viewB.body.admitted).toBeGreaterThanOrEqual(view.body.admitted);
    // Admitted in line order.
    const first = await api(b.url, 'GET', `/api/sales/${sale.id}/queue/${tickets[0]}`, {
      token: buyers[0]?.token,
    });
    expect(first.body.position).toBe(0);
    expect(typeof first.body.admissionToken).toBe('string');
    const last = await api(a.url, 'GET', `/api/sales/${sale.id}/queue/${tickets[39]}`, {
      token: buyers[39]?.token,
    });
    expect(last.body.position).toBeGreaterThan(0);
    // The admission from one node is honoured by the other.
    const claim = await fetch(`${a.url}/api/sales/${sale.id}/claims`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${buyers[0]?.token}`,
        'flashmob-admission': first.body.admissionToken,
      },
      body: JSON.stringify({ sku: sale.items[0]?.sku, quantity: 1, idempotencyKey: 'c1' }),
    });
    expect(claim.status).toBe(201);
    const redis = new Redis(TEST_REDIS_URL);
    await redis.del(...(await redis.keys(`fm:wr:{${sale.id}}:*`)));
    await redis.quit();
  });
});
