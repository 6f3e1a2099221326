import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Flashmob } from '../../src/app.ts';
import { NatsBus } from '../../src/platform/bus/nats-bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openPostgresStore } from '../../src/platform/store/postgres-store.ts';
import { type Actor, makeBuyers, makeSale, makeUser, SHIPPING } from '../factories/index.ts';
import { serviceAvailable, TEST_DATABASE_URL, TEST_NATS_URL } from '../helpers/services.ts';
import { type ServerProcess, spawnServer } from '../helpers/spawn-server.ts';
import { createSchema, dropSchema, postgresUrlFor } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-app.ts';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/flashmob.js');

/** `flashmob …` as a child process, as an operator runs it beside the running nodes. */
function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const proc = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    proc.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const pgOk = await serviceAvailable('postgres');
const backbones: Array<'nats' | 'postgres'> = pgOk
  ? (await serviceAvailable('nats'))
    ? ['nats', 'postgres']
    : ['postgres']
  : [];

/**
 * The operator's commands against a running scale-out deployment: a worker node on PostgreSQL,
 * with the machine's NATS JetStream as the bus (streams of this file's own `NATS_PREFIX`) or with
 * the log in PostgreSQL alone, and the CLI as a separate process beside it.
 */
describe.skipIf(backbones.length === 0).each(backbones)(
  'operations: replay and dead letters while a worker runs (%s)',
  (backbone) => {
    const secret = randomBytes(32).toString('hex');
    const webhookSecret = randomBytes(32).toString('hex');
    const prefix = `ops${randomBytes(4).toString('hex')}`;
    let schema: string;
    let fm: Flashmob;
    let admin: NatsBus | undefined;
    let env: Record<string, string>;
    let worker: ServerProcess;
    let host: Actor;

    beforeAll(async () => {
      schema = await createSchema();
      const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema });
      fm = await buildApp(testConfig({ jwtSecret: secret, paymentWebhookSecret: webhookSecret }), {
        store,
        paymentLatencyMs: { min: 0, max: 2 },
      });
      await fm.app.ready();
      env = {
        DATABASE_URL: postgresUrlFor(schema),
        ...(backbone === 'nats' ? { NATS_URL: TEST_NATS_URL, NATS_PREFIX: prefix } : {}),
        JWT_SECRET: secret,
        PAYMENT_WEBHOOK_SECRET: webhookSecret,
        DATA_DIR: testConfig().dataDir,
        SERVE_WEB: 'false',
      };
      worker = await spawnServer({ ...env, ROLE: 'worker' });
      if (backbone === 'nats') {
        admin = new NatsBus({
          url: TEST_NATS_URL,
          store: fm.store,
          logger: createLogger('silent'),
          prefix,
          relay: false,
        });
        await admin.start();
      }
      host = await makeUser(fm, 'host');
    });
    afterAll(async () => {
      await worker?.kill();
      await admin?.deleteStreams().catch(() => {});
      await admin?.stop();
      await fm?.close();
      await fm?.store.close();
      if (schema) await dropSchema(schema);
    });

    const inject = async (method: 'POST' | 'GET', url: string, token: string, body?: unknown) => {
      const res = await fm.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      return { status: res.statusCode, body: res.json() };
    };
    /** A paid order of one unit, paid with `token` (sandbox: `tok_capture_fail` never captures). */
    const paidOrder = async (saleId: string, sku: string, buyer: Actor, token: string) => {
      const hold = await inject('POST', `/api/sales/${saleId}/claims`, buyer.token, {
        sku,
        quantity: 1,
        idempotencyKey: 'one',
      });
      expect(hold.status).toBe(201);
      const order = await inject('POST', '/api/checkout', buyer.token, {
        reservationIds: [hold.body.reservation.id],
        payment: { method: 'card', token },
        shipping: SHIPPING,
      });
      expect(order.status).toBe(201);
      return order.body.id as string;
    };
    const stateOf = async (orderId: string) =>
      (await fm.store.query<{ state: string }>('select state from orders where id = $1', [orderId]))[0]
        ?.state;
    /** The dead letters as the deployment keeps them (the in-process app's bus reads the store's). */
    const paymentLetters = async () => (await (admin ?? fm.bus).listDeadLetters('payments')).map((l) => l.id);
    const saleStats = () =>
      fm.store.query(
        `select sale_id, claims, units_claimed, units_returned, orders_paid, units_sold, revenue_cents
       from sale_stats order by sale_id`,
      );

    it('dlq - a capture that keeps failing is dead-lettered; the CLI lists it, retries it (the running worker captures) and drops another', async () => {
      const sale = await makeSale(fm, host, { items: [{ stock: 10, perBuyerLimit: 1, priceCents: 1_500 }] });
      const sku = sale.items[0]?.sku as string;
      const [b1, b2] = (await makeBuyers(fm, 2)) as [Actor, Actor];
      const failing = await paidOrder(sale.id, sku, b1, 'tok_capture_fail');
      // Five deliveries with backoff (250 ms doubling) on the worker, then the dead letter.
      await expect.poll(paymentLetters, { timeout: 30_000, interval: 100 }).toHaveLength(1);
      const [id] = await paymentLetters();

      const list = await cli(['dlq', 'list', '--consumer', 'payments'], env);
      expect(list.stderr).toBe('');
      expect(list.status).toBe(0);
      expect(list.stdout).toContain(`${id}\tpayments\torder.accepted`);
      expect(list.stdout).toContain('issuer unavailable');
      const all = await cli(['dlq', 'list'], env);
      expect(all.status, all.stderr).toBe(0);
      expect(all.stdout).toContain(`${id}\tpayments`);

      // The provider is fixed; the operator retries: the running worker captures and ships it.
      await fm.store.query(`update sandbox_payments set token = 'tok_visa' where order_id = $1`, [failing]);
      const retry = await cli(['dlq', 'retry', String(id)], env);
      expect(retry.status, retry.stderr).toBe(0);
      expect(retry.stdout).toContain(`dead letter ${id} will be redelivered`);
      await expect.poll(() => stateOf(failing), { timeout: 30_000, interval: 100 }).toBe('shipped');
      expect(await paymentLetters()).toEqual([]);

      const dropped = await paidOrder(sale.id, sku, b2, 'tok_capture_fail');
      await expect.poll(paymentLetters, { timeout: 30_000, interval: 100 }).toHaveLength(1);
      const [dropId] = await paymentLetters();
      const drop = await cli(['dlq', 'drop', String(dropId)], env);
      expect(drop.status, drop.stderr).toBe(0);
      expect(drop.stdout).toContain(`dead letter ${dropId} dropped`);
      expect(await paymentLetters()).toEqual([]);
      expect(await stateOf(dropped)).toBe('paid');
      const none = await cli(['dlq', 'list', '--consumer', 'payments'], env);
      expect(none.stdout).toContain('no dead letters');
      const missing = await cli(['dlq', 'drop', String(dropId)], env);
      expect(missing.status).toBe(1);
      expect(missing.stderr.trim()).toBe(`flashmob: no dead letter ${dropId}`);
      expect(worker.proc.exitCode).toBeNull();
    });

    it('replay - sale-stats replayed from 0 while the worker runs: the same read model, then new events count once', async () => {
      const sale = await makeSale(fm, host, { items: [{ stock: 100, perBuyerLimit: 5, priceCents: 700 }] });
      const sku = sale.items[0]?.sku as string;
      const buyers = await makeBuyers(fm, 12);
      for (const [i, b] of buyers.entries()) {
        const r = await inject('POST', `/api/sales/${sale.id}/claims`, b.token, {
          sku,
          quantity: 1 + (i % 3),
          idempotencyKey: 'r',
        });
        expect(r.status).toBe(201);
      }
      await paidOrder(sale.id, sku, (await makeBuyers(fm, 1))[0] as Actor, 'tok_visa');
      const claimsOf = async () =>
        (
          await fm.store.query<{ claims: number }>('select claims from sale_stats where sale_id = $1', [
            sale.id,
          ])
        )[0]?.claims;
      await expect.poll(claimsOf, { timeout: 30_000, interval: 100 }).toBe(13);
      await expect
        .poll(
          async () =>
            (
              await fm.store.query<{ n: number }>(
                'select orders_paid as n from sale_stats where sale_id = $1',
                [sale.id],
              )
            )[0]?.n,
          { timeout: 30_000, interval: 100 },
        )
        .toBe(1);
      const before = await saleStats();
      expect(before.length).toBeGreaterThanOrEqual(2); // this sale and the dead-letter test's

      const replay = await cli(['replay', '--consumer', 'sale-stats', '--from', '0'], env);
      expect(replay.stderr).toBe('');
      expect(replay.status).toBe(0);
      // The worker running the group took it over: emptied, started over, rebuilding.
      expect(replay.stdout).toContain('sale-stats is running on a worker');
      await expect.poll(saleStats, { timeout: 30_000, interval: 100 }).toEqual(before);

      // The worker still runs the group: a claim after the replay is counted once.
      const late = (await makeBuyers(fm, 1))[0] as Actor;
      const r = await inject('POST', `/api/sales/${sale.id}/claims`, late.token, {
        sku,
        quantity: 1,
        idempotencyKey: 'l',
      });
      expect(r.status).toBe(201);
      await expect.poll(claimsOf, { timeout: 30_000, interval: 100 }).toBe(14);
      expect(worker.proc.exitCode).toBeNull();
    });
  },
);

/**
 * The embedded store is one process's database (a pid file refuses a second): the CLI cannot
 * open it beside a running server, and says so in one line rather than with a stack trace.
 */
describe('operations: the embedded store while its server runs', () => {
  const dataDir = testConfig().dataDir;
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnServer({ DATA_DIR: dataDir, SERVE_WEB: 'false' });
  });
  afterAll(async () => {
    await server?.kill();
  });

  it.each([
    [['replay', '--consumer', 'sale-stats', '--from', '0']],
    [['dlq', 'list']],
    [['dlq', 'retry', '1']],
  ])(
    'pglite - `flashmob %s` beside a running server refuses with one clear line and exit 1',
    async (args) => {
      const r = await cli(args, { DATA_DIR: dataDir });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`the server (process ${server.proc.pid}) holds the embedded database`);
      expect(lines[0]).toContain('stop it');
      expect(server.proc.exitCode).toBeNull();
    },
  );
});
