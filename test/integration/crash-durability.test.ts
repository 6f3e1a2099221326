import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../helpers/services.ts';
import { api, type ServerProcess, spawnServer } from '../helpers/spawn-server.ts';
import { createSchema, dropSchema, postgresUrlFor } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-app.ts';

const pgOk = await serviceAvailable('postgres');
const kinds = pgOk ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

/**
 * A server killed with SIGKILL in the middle of a sale: after a restart, every claim that got a
 * 201 is there, and stock plus reservations add up to what was put on sale.
 */
describe.each(kinds)('a server killed mid-sale (%s)', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('durability - every acknowledged claim survives SIGKILL', async () => {
    const dataDir = testConfig().dataDir;
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: 'admin@crash.test',
      ADMIN_PASSWORD: 'crash-test-password',
    };
    if (kind === 'postgres') {
      const schema = await createSchema();
      env.DATABASE_URL = postgresUrlFor(schema);
      cleanups.push(() => dropSchema(schema));
    }
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    let server: ServerProcess = await spawnServer(env);
    cleanups.push(async () => void (await server.kill('SIGKILL')));

    const admin = (
      await api(server.url, 'POST', '/api/auth/login', {
        body: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
      })
    ).body.token;
    const sku = `CRASH-${randomBytes(3).toString('hex')}`;
    await api(server.url, 'POST', '/api/products', {
      token: admin,
      body: { title: 'Crash test', variants: [{ sku, title: 'one', priceCents: 100, currency: 'USD' }] },
    });
    const STOCK = 1_000;
    const sale = (
      await api(server.url, 'POST', '/api/sales', {
        token: admin,
        body: {
          title: 'Crash sale',
          startsAt: new Date(Date.now() - 1_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          items: [{ sku, stock: STOCK, perBuyerLimit: 50 }],
        },
      })
    ).body;
    const buyers: string[] = [];
    for (let i = 0; i < 40; i++) buyers.push((await api(server.url, 'POST', '/api/auth/guest')).body.token);

    // Claim from 40 buyers at once until the process dies under us.
    const acknowledged: Array<{ token: string; id: string }> = [];
    let n = 0;
    let killed = false;
    const workers = buyers.map(async (token) => {
      while (!killed) {
        try {
          const r = await api(server.url, 'POST', `/api/sales/${sale.id}/claims`, {
            token,
            body: { sku, quantity: 1, idempotencyKey: `k${n++}` },
          });
          if (r.status === 201) acknowledged.push({ token, id: r.body.reservation.id });
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
    await server.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    server = await spawnServer(env);
    const after = (await api(server.url, 'GET', `/api/sales/${sale.id}`)).body;
    let held = 0;
    const found = new Set<string>();
    for (const token of buyers) {
      const mine = (await api(server.url, 'GET', '/api/reservations', { token })).body as Array<{
        id: string;
        saleId: string;
        quantity: number;
        state: string;
      }>;
      for (const r of mine.filter((x) => x.saleId === sale.id)) {
        found.add(r.id);
        if (r.state === 'held') held += r.quantity;
      }
    }
    const lost = acknowledged.filter((a) => !found.has(a.id));
    expect(lost).toEqual([]);
    expect(after.items[0].remaining + held).toBe(STOCK);
    await server.kill();
  });
});
