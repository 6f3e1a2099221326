import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Flashmob } from '../../src/app.ts';
import { openPostgresStore } from '../../src/platform/store/postgres-store.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { serviceAvailable, TEST_DATABASE_URL } from '../helpers/services.ts';
import { api, type ServerProcess, spawnServer } from '../helpers/spawn-server.ts';
import { createSchema, dropSchema, postgresUrlFor } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-app.ts';

const pgOk = await serviceAvailable('postgres');

describe.skipIf(!pgOk)('two server processes on one PostgreSQL', () => {
  const secret = randomBytes(32).toString('hex');
  let schema: string;
  let fm: Flashmob;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    schema = await createSchema();
    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema });
    fm = await buildApp(testConfig({ jwtSecret: secret }), { store });
    // Batches of at most 5 claims: with larger ones, the first node's few batches could take all
    // 150 units before the other node's first batch (it happened), and the nodes would not contend.
    const env = {
      DATABASE_URL: postgresUrlFor(schema),
      JWT_SECRET: secret,
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: testConfig().dataDir,
      CLAIM_BATCH_MAX: '5',
    };
    servers = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill()));
    await fm?.close();
    await fm?.store.close();
    await dropSchema(schema);
  });

  it('multi-node - a crowd claiming one item through two processes never oversells', async () => {
    const host = await makeUser(fm, 'host');
    // 600 units for 300 buyers of 2 each, their 900 claims split 2 + 1 between the nodes: neither
    // node alone can sell them all (a buyer with one claim there gets at most one unit there), so
    // both must sell, whatever their timing; with 150 units the first node to start could take
    // them all before the other committed a batch (seen in CI).
    const sale = await makeSale(fm, host, { items: [{ stock: 600, perBuyerLimit: 2 }] });
    const sku = sale.items[0]?.sku as string;
    const buyers: Actor[] = await makeBuyers(fm, 300);
    // Each node reads an account's token version once per few seconds: read them all first, so
    // that neither node meets the crowd with 300 first reads to make while the other sells out.
    await Promise.all(
      servers.flatMap((s) => buyers.map((b) => api(s.url, 'GET', '/api/me', { token: b.token }))),
    );
    const attempts = buyers.flatMap((b, i) =>
      [0, 1, 2].map((k) => ({ b, key: `k${k}`, server: servers[(i + k) % 2] as ServerProcess })),
    );
    const results = await Promise.all(
      attempts.map(async (a) => ({
        ...a,
        res: await api(a.server.url, 'POST', `/api/sales/${sale.id}/claims`, {
          token: a.b.token,
          body: { sku, quantity: 1, idempotencyKey: a.key },
        }),
      })),
    );
    const accepted = results.filter((r) => r.res.status === 201);
    expect(results.every((r) => r.res.status === 201 || r.res.status === 409)).toBe(true);
    expect(accepted.length).toBe(600);
    expect(new Set(accepted.map((r) => r.server.url)).size).toBe(2); // both nodes sold
    // The nodes contended: a write whose item another node had moved was decided again under the lock.
    const locked = await Promise.all(
      servers.map(async (s) => {
        const text = await (await fetch(`${s.url}/metrics`)).text();
        return Number(/flashmob_claim_batches_total\{path="locked"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    expect(locked.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const rows = await fm.store.query<{ id: string; buyer_id: string }>(
      `select id, buyer_id from reservations where sale_id = $1`,
      [sale.id],
    );
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(accepted.map((r) => r.res.body.reservation.id)));
    const perBuyer = new Map<string, number>();
    for (const r of rows) perBuyer.set(r.buyer_id, (perBuyer.get(r.buyer_id) ?? 0) + 1);
    expect(Math.max(...perBuyer.values())).toBe(2);
    const [item] = await fm.store.query<{ remaining: number }>(
      'select remaining from sale_items where sale_id = $1',
      [sale.id],
    );
    expect(item?.remaining).toBe(0);
  });
});
