import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { call, percentile } from './lib/http.ts';
import { type LoadResult, load } from './lib/load.ts';
import { type Proc, startTs } from './lib/process.ts';
import { fmt, machine, table, writeSection } from './lib/report.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 200;
const BUYERS = 20_000;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SOCKET_URL =
  existsSync('/var/run/postgresql/.s.PGSQL.5432') && !process.env.TEST_DATABASE_URL
    ? 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/test'
    : DATABASE_URL;

/** Claims/s through one api node, then through two, on PostgreSQL + NATS + Redis; then claim → remote viewer latency. */
export async function scaleOutBench(): Promise<void> {
  process.stdout.write('scale-out: one api node vs two, on PostgreSQL, NATS and Redis\n');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const u = new URL(SOCKET_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const secret = randomBytes(32).toString('hex');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-scale-'));
  const env = {
    DATABASE_URL: u.toString(),
    NATS_URL,
    REDIS_URL,
    NATS_PREFIX: `bench${randomBytes(3).toString('hex')}`,
    JWT_SECRET: secret,
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'scale@flashmob.dev',
    ADMIN_PASSWORD: 'scale-out-bench',
    SERVE_WEB: 'false',
  };
  const procs: Proc[] = [];
  try {
    const [a1, a2, rt, wk] = await Promise.all([
      startTs('bench/server.ts', { ...env, ROLE: 'api' }),
      startTs('bench/server.ts', { ...env, ROLE: 'api' }),
      startTs('bench/server.ts', { ...env, ROLE: 'realtime' }),
      startTs('bench/server.ts', { ...env, ROLE: 'worker' }),
    ]);
    procs.push(a1, a2, rt, wk);
    const token = (
      await call(a1.url, 'POST', '/api/auth/login', undefined, {
        email: env.ADMIN_EMAIL,
        password: env.ADMIN_PASSWORD,
      })
    ).token;
    await call(a1.url, 'POST', '/api/products', token, {
      title: 'Hot',
      variants: [{ sku: 'HOT', title: 'Hot', priceCents: 100, currency: 'USD' }],
    });
    const sale = await call(a1.url, 'POST', '/api/sales', token, {
      title: 'Scale-out drop',
      startsAt: new Date(Date.now() - 1_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      holdSeconds: 3_600,
      items: [{ sku: 'HOT', stock: 10_000_000, perBuyerLimit: 10_000 }],
    });
    // Guest accounts made through the API (reservations belong to real users).
    const tokens: string[] = [];
    for (let i = 0; i < BUYERS; i += 200) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, () => call(a1.url, 'POST', '/api/auth/guest')),
      );
      tokens.push(...batch.map((b) => b.token as string));
    }
    let n = 0;
    const next = () => ({
      token: tokens[n++ % tokens.length],
      body: `{"sku":"HOT","quantity":1,"idempotencyKey":"s${n}"}`,
    });
    const run = (url: string, connections: number) =>
      load({ url, path: `/api/sales/${sale.id}/claims`, connections, seconds: SECONDS, next });
    await run(a1.url, 50); // warm-up
    const one = await run(a1.url, CONNECTIONS);
    const both = await Promise.all([run(a1.url, CONNECTIONS / 2), run(a2.url, CONNECTIONS / 2)]);
    const two: LoadResult = {
      rps: both[0].rps + both[1].rps,
      p50: Math.max(both[0].p50, both[1].p50),
      p99: Math.max(both[0].p99, both[1].p99),
      max: Math.max(both[0].max, both[1].max),
      total: both[0].total + both[1].total,
      non2xx: both[0].non2xx + both[1].non2xx,
      errors: both[0].errors + both[1].errors,
    };
    // End to end: a claim on an api node, seen by a viewer on the realtime node (via PostgreSQL → relay → JetStream → tail).
    const ws = new WebSocket(`${rt.url.replace(/^http/, 'ws')}/ws`, ['flashmob']);
    const latencies: number[] = [];
    let waiting: { remaining: number; sent: number } | undefined;
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    ws.send(JSON.stringify({ op: 'sub', ch: `sale:${sale.id}` }));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { ev?: string; data?: { items: Array<{ remaining: number }> } };
      if (m.ev !== 'state' || !waiting) return;
      if ((m.data?.items[0]?.remaining ?? Number.POSITIVE_INFINITY) <= waiting.remaining) {
        latencies.push(Date.now() - waiting.sent);
        waiting = undefined;
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 40; i++) {
      const before = (await call(a2.url, 'GET', `/api/sales/${sale.id}`)).items[0].remaining as number;
      waiting = { remaining: before - 1, sent: Date.now() };
      await call(i % 2 ? a1.url : a2.url, 'POST', `/api/sales/${sale.id}/claims`, tokens[i], {
        sku: 'HOT',
        quantity: 1,
        idempotencyKey: `e2e${i}`,
      });
      for (let w = 0; w < 100 && waiting; w++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 150)); // past the conflation tick
    }
    ws.close();
    latencies.sort((a, b) => a - b);
    const md = `## Scale-out: one api node vs two, and claim → viewer on another node

${machine()}. Processes on one machine: api nodes, a realtime node and a worker, on the
machine's PostgreSQL (Unix socket), NATS JetStream and Redis. Load: autocannon, ${CONNECTIONS}
connections in all, claims on one hot item by ${fmt(BUYERS)} buyers, ${SECONDS} s per row; with two
nodes the connections are split between them, measured at the same time.

${table(
  ['api nodes', 'claims/s', 'p50 ms', 'p99 ms', 'non-2xx'],
  [
    ['1', fmt(one.rps), fmt(one.p50), fmt(one.p99), one.non2xx],
    ['2', fmt(two.rps), fmt(two.p50), fmt(two.p99), two.non2xx],
  ],
)}

Claim committed on an api node → frame on a viewer of the realtime node (PostgreSQL → outbox relay
→ JetStream → the realtime node's tail → conflated sale channel), ${latencies.length} claims one at a
time: p50 **${fmt(percentile(latencies, 50))} ms**, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(latencies.at(-1) ?? Number.NaN)} ms.

Both api nodes write to the same hot row: they serialise on its lock in PostgreSQL, so a second
node adds HTTP and batching capacity, not database capacity — on this 2-core machine the nodes,
PostgreSQL, NATS and the load generator share the same two cores.
`;
    writeSection('scale-out', md);
    process.stdout.write(`${md}\n`);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
