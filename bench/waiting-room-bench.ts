import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { TokenService } from '../src/modules/auth/tokens.ts';
import { benchGuestTokens, call, percentile } from './lib/http.ts';
import { load } from './lib/load.ts';
import { type Proc, ROOT, startTs } from './lib/process.ts';
import { fmt, machine, table, writeSection } from './lib/report.ts';

const JOINERS = Number(process.env.WR_JOINERS ?? 50_000);
const WAITING_VIEWERS = Number(process.env.WR_VIEWERS ?? 10_000);
const CONNECTIONS = 200;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Result {
  adapter: string;
  joinsPerSecond: number;
  joinP99: number;
  joined: number;
  viewers: number;
  moved: number;
  p50: number;
  p99: number;
  max: number;
}

async function runOne(adapter: 'memory' | 'redis'): Promise<Result> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-wr-'));
  const secret = randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    JWT_SECRET: secret,
    ADMIN_EMAIL: 'wr@flashmob.dev',
    ADMIN_PASSWORD: 'waiting-room',
    WS_TICK_MS: '100',
    ...(adapter === 'redis' ? { REDIS_URL } : {}),
  };
  const tokens = new TokenService(secret);
  let server: Proc | undefined;
  let viewers: ChildProcess[] = [];
  try {
    server = await startTs('bench/server.ts', env);
    const base = server.url;
    const admin = (
      await call(base, 'POST', '/api/auth/login', undefined, {
        email: env.ADMIN_EMAIL,
        password: env.ADMIN_PASSWORD,
      })
    ).token;
    await call(base, 'POST', '/api/products', admin, {
      title: 'Queue',
      variants: [{ sku: 'Q', title: 'Q', priceCents: 100, currency: 'USD' }],
    });
    const sale = await call(base, 'POST', '/api/sales', admin, {
      title: 'Queued drop',
      startsAt: new Date(Date.now() - 1_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      waitingRoom: {
        admitPerMinute: 6_000,
        maxActive: 1_000_000,
        opensBeforeSeconds: 600,
        admissionTtlSeconds: 600,
      },
      items: [{ sku: 'Q', stock: 100_000, perBuyerLimit: 1 }],
    });
    await call(base, 'PATCH', `/api/sales/${sale.id}/queue`, admin, { paused: true });
    // Buyers are signed tokens of guest accounts made in bulk (every token is checked against its account).
    const buyers = await benchGuestTokens(base, JOINERS, (id) =>
      tokens.sign({ id, role: 'buyer', guest: true }),
    );
    let n = 0;
    const joins = await load({
      url: base,
      path: `/api/sales/${sale.id}/queue`,
      connections: CONNECTIONS,
      seconds: 600,
      amount: JOINERS,
      next: () => ({ token: buyers[n++ % buyers.length], body: '{}' }),
    });
    const view = await call(base, 'GET', `/api/sales/${sale.id}/queue`, admin);

    // The last WAITING_VIEWERS buyers watch their place over WebSockets.
    const holders: Array<{ token: string | undefined; ticket: string; saleId: string }> = [];
    for (let i = JOINERS - WAITING_VIEWERS; i < JOINERS; i++) {
      const status = await call(base, 'POST', `/api/sales/${sale.id}/queue`, buyers[i], {});
      holders.push({ token: buyers[i], ticket: status.ticket, saleId: sale.id });
    }
    const files = [0, 1].map((part) => {
      const f = path.join(dataDir, `holders-${part}.json`);
      writeFileSync(f, JSON.stringify(holders.filter((_, i) => i % 2 === part)));
      return f;
    });
    viewers = files.map((f) =>
      fork(path.join(ROOT, 'bench/lib/queue-viewers.ts'), [base, f], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    await Promise.all(viewers.map((v) => new Promise((r) => v.once('message', r))));
    await new Promise((r) => setTimeout(r, 1_000));
    const resumedAt = Date.now();
    await call(base, 'PATCH', `/api/sales/${sale.id}/queue`, admin, { paused: false });
    await new Promise((r) => setTimeout(r, 4_000));
    const reports = await Promise.all(
      viewers.map(
        (v) =>
          new Promise<number[]>((resolve) => {
            v.once('message', (m: { firstMove: number[] }) => resolve(m.firstMove));
            v.send({ report: true });
          }),
      ),
    );
    const latencies = reports
      .flat()
      .map((at) => at - resumedAt)
      .sort((a, b) => a - b);
    return {
      adapter,
      joinsPerSecond: joins.rps,
      joinP99: joins.p99,
      joined: view.length + view.admitted,
      viewers: holders.length,
      moved: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };
  } finally {
    for (const v of viewers) v.kill();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function redisReachable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function waitingRoomBench(): Promise<void> {
  process.stdout.write(
    `waiting room: ${fmt(JOINERS)} joins, ${fmt(WAITING_VIEWERS)} waiting buyers on WebSockets\n`,
  );
  const adapters: Array<'memory' | 'redis'> = ['memory'];
  if (await redisReachable()) adapters.push('redis');
  const results: Result[] = [];
  for (const a of adapters) {
    process.stdout.write(`  ${a}…\n`);
    results.push(await runOne(a));
  }
  const md = `## Waiting room: ${fmt(JOINERS)} buyers join, ${fmt(WAITING_VIEWERS)} watch their place

${machine()}. One server process. Joins: ${fmt(JOINERS)} different signed-in buyers, each
\`POST /api/sales/:id/queue\` once, ${CONNECTIONS} connections (autocannon), admission paused.
Then the last ${fmt(WAITING_VIEWERS)} of them subscribe to their \`queue:\` channel over real
WebSockets (two client processes) and admission is resumed at 6,000/min: the latency is from the
resume to the moment each buyer's client sees its position move (the queue refreshes positions
every 250 ms and conflates per channel).

${table(
  [
    'queue adapter',
    'joins/s',
    'join p99 ms',
    'tickets',
    'waiting viewers',
    'saw a move',
    'update p50 ms',
    'update p99 ms',
    'max ms',
  ],
  results.map((r) => [
    r.adapter,
    fmt(r.joinsPerSecond),
    fmt(r.joinP99),
    fmt(r.joined),
    fmt(r.viewers),
    fmt(r.moved),
    fmt(r.p50),
    fmt(r.p99),
    fmt(r.max),
  ]),
)}
`;
  writeSection('waiting-room', md);
  process.stdout.write(`${md}\n`);
}
