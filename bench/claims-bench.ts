import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { call } from './lib/http.ts';
import { type LoadResult, load } from './lib/load.ts';
import { type Proc, startTs } from './lib/process.ts';
import { fmt, machine, table, writeSection } from './lib/report.ts';

const CONNECTIONS = 200;
const BUYERS = 20_000;
const STOCK = 10_000_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * Rounds of the three rows, one after the other; each row reports its best round. The machine is
 * shared: its speed moves by tens of percent from one minute to the next, and alternating the
 * rows keeps that from favouring one of them.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The server under test talks to a co-located PostgreSQL over its Unix socket when there is one. */
const SERVER_DATABASE_URL =
  existsSync('/var/run/postgresql/.s.PGSQL.5432') && !process.env.TEST_DATABASE_URL
    ? 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/test'
    : DATABASE_URL;

/** A row's load result and the CPU time per request (µs) of the server and of the load generator. */
interface Row extends LoadResult {
  readonly cpuMicros: number;
  /** This process's CPU time per request: the load generator (autocannon) runs in it. */
  readonly generatorMicros: number;
}

interface StoreRun {
  readonly store: string;
  readonly trivial: Row;
  readonly naive: Row;
  readonly batched: Row;
  readonly consistent: boolean;
}

async function runOn(store: 'pglite' | 'postgres'): Promise<StoreRun> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'bench@flashmob.dev',
    ADMIN_PASSWORD: 'bench-password',
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  // BENCH_PROFILE=file: a CPU profile of the server during the batched run (bench/server.ts).
  if (process.env.BENCH_PROFILE) env.BENCH_PROFILE = process.env.BENCH_PROFILE;
  let admin: pg.Client | undefined;
  if (store === 'postgres') {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const u = new URL(SERVER_DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = u.toString();
  }
  let server: Proc | undefined;
  try {
    server = await startTs('bench/server.ts', env);
    const base = server.url;
    const { token: adminToken } = await call(base, 'POST', '/api/auth/login', undefined, {
      email: env.ADMIN_EMAIL,
      password: env.ADMIN_PASSWORD,
    });
    await call(base, 'POST', '/api/products', adminToken, {
      title: 'Hot item',
      variants: [{ sku: 'HOT', title: 'Hot', priceCents: 1_000, currency: 'USD' }],
    });
    const sale = await call(base, 'POST', '/api/sales', adminToken, {
      title: 'Benchmark drop',
      startsAt: new Date(Date.now() - 1_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      holdSeconds: 3_600,
      items: [{ sku: 'HOT', stock: STOCK, perBuyerLimit: 10_000 }],
    });
    const tokens: string[] = [];
    for (let i = 0; i < BUYERS; i += 200) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, () => call(base, 'POST', '/api/auth/guest')),
      );
      tokens.push(...batch.map((b) => b.token as string));
    }
    let n = 0;
    const claim = (): { token?: string | undefined; body: string } => ({
      token: tokens[n++ % tokens.length],
      body: `{"sku":"HOT","quantity":1,"idempotencyKey":"k${n}"}`,
    });
    const cpu = async () => (await call(base, 'GET', '/bench/cpu')).micros as number;
    /** One row: the load, and the server's CPU time per request it answered. */
    const run = async (p: string, next = claim, seconds = SECONDS): Promise<Row> => {
      const before = await cpu();
      const generator = process.cpuUsage();
      const result = await load({ url: base, path: p, connections: CONNECTIONS, seconds, next });
      const { user, system } = process.cpuUsage(generator);
      const total = Math.max(1, result.total);
      return {
        ...result,
        cpuMicros: ((await cpu()) - before) / total,
        generatorMicros: (user + system) / total,
      };
    };

    // Warm-up: every buyer claims once, so that each token has been verified once before the
    // measured runs (a buyer's app signs in and loads the sale before the drop opens).
    process.stdout.write(`  ${store}: warm-up…\n`);
    await load({
      url: base,
      path: `/api/sales/${sale.id}/claims`,
      connections: CONNECTIONS,
      seconds: 60,
      amount: BUYERS,
      next: claim,
    });
    const rounds: Array<{ trivial: Row; batched: Row; naive: Row }> = [];
    for (let r = 1; r <= ROUNDS; r++) {
      process.stdout.write(`  ${store}, round ${r}: trivial endpoint…\n`);
      const trivial = await run('/bench/trivial', () => ({
        body: '{"sku":"HOT","quantity":1,"idempotencyKey":"x"}',
      }));
      process.stdout.write(`  ${store}, round ${r}: batched claim engine…\n`);
      const profiling = process.env.BENCH_PROFILE && r === 1;
      if (profiling) server.proc.kill('SIGUSR2');
      const batched = await run(`/api/sales/${sale.id}/claims`);
      if (profiling) server.proc.kill('SIGUSR2');
      process.stdout.write(`  ${store}, round ${r}: naive one-transaction-per-claim…\n`);
      const naive = await run(`/bench/naive/sales/${sale.id}/claims`);
      rounds.push({ trivial, batched, naive });
    }
    const best = (row: 'trivial' | 'batched' | 'naive') =>
      rounds.map((x) => x[row]).reduce((a, b) => (b.rps > a.rps ? b : a));
    const [trivial, batched, naive] = [best('trivial'), best('batched'), best('naive')];

    // Nothing oversold or lost: stock moved exactly by the reserved units.
    const after = await call(base, 'GET', `/api/sales/${sale.id}`);
    const reserved = STOCK - after.items[0].remaining;
    const acknowledged = rounds.reduce(
      (n, x) => n + x.batched.total - x.batched.non2xx + (x.naive.total - x.naive.non2xx),
      0,
    );
    const consistent = reserved >= acknowledged && after.items[0].remaining >= 0;
    return { store, trivial, naive, batched, consistent };
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  }
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export async function claimsBench(): Promise<void> {
  process.stdout.write(
    `claims: ${CONNECTIONS} connections, ${BUYERS} buyers, one hot item, ${SECONDS}s per run\n`,
  );
  // BENCH_STORES=postgres (or pglite) measures one store only.
  const wanted = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',');
  const stores: Array<'pglite' | 'postgres'> = wanted.includes('pglite') ? ['pglite'] : [];
  if (!wanted.includes('postgres')) {
    // PostgreSQL not asked for.
  } else if (await postgresReachable()) stores.push('postgres');
  else process.stdout.write('  PostgreSQL not reachable: only PGlite is measured\n');
  const runs: StoreRun[] = [];
  for (const s of stores) runs.push(await runOn(s));

  const rows = runs.flatMap((r) => [
    [
      r.store,
      'trivial Fastify endpoint (HTTP ceiling)',
      fmt(r.trivial.rps),
      fmt(r.trivial.p50, 1),
      fmt(r.trivial.p99, 1),
      '—',
      '100%',
      fmt(r.trivial.cpuMicros),
      fmt(r.trivial.generatorMicros),
      r.trivial.non2xx,
    ],
    [
      r.store,
      'naive: one transaction per claim',
      fmt(r.naive.rps),
      fmt(r.naive.p50, 1),
      fmt(r.naive.p99, 1),
      '1×',
      `${fmt((100 * r.naive.rps) / r.trivial.rps)}%`,
      fmt(r.naive.cpuMicros),
      fmt(r.naive.generatorMicros),
      r.naive.non2xx,
    ],
    [
      r.store,
      '**batched claim engine**',
      `**${fmt(r.batched.rps)}**`,
      fmt(r.batched.p50, 1),
      `**${fmt(r.batched.p99, 1)}**`,
      `**${fmt(r.batched.rps / Math.max(1, r.naive.rps), 1)}×**`,
      `**${fmt((100 * r.batched.rps) / r.trivial.rps)}%**`,
      fmt(r.batched.cpuMicros),
      fmt(r.batched.generatorMicros),
      r.batched.non2xx,
    ],
  ]);
  const md = `## Claims: one hot item, ${CONNECTIONS} concurrent buyers, auth on

${machine()}. Load: autocannon, ${CONNECTIONS} connections (closed loop), each request a
claim of 1 unit by one of ${fmt(BUYERS)} signed-in buyers (a JWT each) with a fresh idempotency
key, ${SECONDS} s per row, on one item of ${fmt(STOCK)} units, after a warm-up in which every buyer
claims once (their tokens verified once, as a buyer's app does before a drop opens). The three
rows of a store run in one server process, one after the other, ${ROUNDS} rounds; each row shows
its best round (this machine is shared, and its speed moves by tens of percent from one minute to
the next). The load generator is a second process on the same 2 cores (and PostgreSQL a third).
Latencies in ms, as autocannon measures them. "CPU µs/req" is a process's CPU time (user + system,
all its threads) during the row divided by the requests answered, for the server and for the load
generator (autocannon, in the benchmark's own process): what each request costs the 2 cores the
three processes share.

${table(['store', 'endpoint', 'claims/s', 'p50', 'p99', 'vs naive', 'of ceiling', 'server CPU µs/req', 'load generator CPU µs/req', 'non-2xx'], rows)}

Targets (issue #2): ≥ 10× the naive baseline, ≥ 40% of the trivial ceiling, p99 ≤ 25 ms.
${runs.map((r) => `- ${r.store}: ${fmt(r.batched.rps / Math.max(1, r.naive.rps), 1)}× naive, ${fmt((100 * r.batched.rps) / r.trivial.rps)}% of ceiling, p99 ${fmt(r.batched.p99, 1)} ms; stock and reservations consistent after the run: ${r.consistent ? 'yes' : '**NO**'}`).join('\n')}

What bounds the engine here (measured while tuning it, 2026-11-27): the 200 connections are a
closed loop, so throughput is 200 divided by the mean latency (Little's law). In the steady state a
batch is one statement on the item's lane (its buyers known, no read, no lock held across Node).
The CPU columns give the budget of the 2 shared cores. A claim cost the server 74-106 µs and
autocannon 46-64 µs; PostgreSQL spent 20-35% of a core on the lane and 1-2% on each consumer
group while the bench ran. That is ~150 µs of CPU per claim, ~13,000 claims/s at most on 2 cores,
and the trivial endpoint (46-75 µs in the server) is bounded the same way. Even the HTTP ceiling
has a p99 of 23-37 ms at 200 connections here (see its row), so p99 ≤ 25 ms for claims would need
claims faster than the ceiling. Measured and not kept: wrk as the load generator (21-25 µs per
request instead of autocannon's 44-62; claims p99 33 ms instead of 36-51, but the trivial
endpoint's p99 went to 0.2-1.1 s from connections starved under wrk); the API role alone, without
the consumer groups and the real-time tail in the process (within noise).
`;
  writeSection('claims', md);
  process.stdout.write(`${md}\n`);
}
