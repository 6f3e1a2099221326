import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, percentile } from './lib/http.ts';
import { type Proc, ROOT, startTs } from './lib/process.ts';
import { fmt, machine, table, writeSection } from './lib/report.ts';

const VIEWER_COUNTS = (process.env.FANOUT_VIEWERS ?? '5000,10000').split(',').map(Number);
const CHANGES = 20;
const SPACING_MS = 250;
const VIEWER_PROCESSES = 2;

interface Run {
  readonly system: string;
  readonly viewers: number;
  readonly delivered: number;
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly framesPerSecond: number;
  readonly bytesPerConnection: number;
}

/** Starts the viewer processes; resolves when all are subscribed. */
async function startViewers(system: string, url: string, saleId: string, n: number): Promise<ChildProcess[]> {
  const per = Math.ceil(n / VIEWER_PROCESSES);
  const procs = Array.from({ length: VIEWER_PROCESSES }, () =>
    fork(path.join(ROOT, 'bench/lib/viewers.ts'), [system, url, saleId, String(per)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve, reject) => {
          p.once('message', () => resolve());
          p.once('exit', (code) => reject(new Error(`viewer process exited with ${code}`)));
        }),
    ),
  );
  return procs;
}

async function collect(procs: ChildProcess[]): Promise<number[]> {
  const parts = await Promise.all(
    procs.map(
      (p) =>
        new Promise<number[]>((resolve) => {
          p.once('message', (m: { arrivals: number[] }) => resolve(m.arrivals));
          p.send({ report: true });
        }),
    ),
  );
  return parts.flat();
}

async function runOne(system: 'flashmob' | 'socketio', viewers: number): Promise<Run> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-fanout-'));
  const env = {
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'fan@flashmob.dev',
    ADMIN_PASSWORD: 'fanout-password',
    JWT_SECRET: randomBytes(32).toString('hex'),
    WS_TICK_MS: '100',
  };
  let server: Proc | undefined;
  let procs: ChildProcess[] = [];
  try {
    server = await startTs(system === 'flashmob' ? 'bench/server.ts' : 'bench/socketio-server.ts', env);
    let saleId = 'sale';
    let saleState: Record<string, unknown> = {};
    if (system === 'flashmob') {
      const { token } = await call(server.url, 'POST', '/api/auth/login', undefined, {
        email: env.ADMIN_EMAIL,
        password: env.ADMIN_PASSWORD,
      });
      await call(server.url, 'POST', '/api/products', token, {
        title: 'Fan-out',
        variants: [{ sku: 'FAN', title: 'Fan', priceCents: 100, currency: 'USD' }],
      });
      const sale = await call(server.url, 'POST', '/api/sales', token, {
        title: 'Fan-out drop',
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        items: [{ sku: 'FAN', stock: 100_000, perBuyerLimit: 1 }],
      });
      saleId = sale.id;
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const settled = async () =>
      ((await (await fetch(`${server?.url}/bench/memory`)).json()) as { rss: number }).rss;
    const rssBefore = await settled();
    procs = await startViewers(system, server.url, saleId, viewers);
    await new Promise((r) => setTimeout(r, 2_000));
    const rssAfter = await settled();

    const sentAt = new Map<number, number>();
    for (let k = 1; k <= CHANGES; k++) {
      const remaining = 100_000 - k;
      sentAt.set(remaining, Date.now());
      if (system === 'flashmob') {
        await call(server.url, 'POST', `/bench/broadcast/${saleId}`, undefined, { sku: 'FAN', remaining });
      } else {
        saleState = {
          id: saleId,
          title: 'Fan-out drop',
          status: 'live',
          serverTime: new Date().toISOString(),
          items: [
            {
              sku: 'FAN',
              title: 'Fan',
              remaining,
              stock: 100_000,
              priceCents: 100,
              currency: 'USD',
              perBuyerLimit: 1,
              version: k,
            },
          ],
        };
        await call(server.url, 'POST', '/broadcast', undefined, saleState);
      }
      await new Promise((r) => setTimeout(r, SPACING_MS));
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const arrivals = await collect(procs);
    const latencies: number[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (let i = 0; i < arrivals.length; i += 2) {
      const sent = sentAt.get(arrivals[i] as number);
      const at = arrivals[i + 1] as number;
      if (sent === undefined) continue;
      latencies.push(at - sent);
      first = Math.min(first, sent);
      last = Math.max(last, at);
    }
    latencies.sort((a, b) => a - b);
    const perProcess = Math.ceil(viewers / VIEWER_PROCESSES) * VIEWER_PROCESSES;
    return {
      system,
      viewers: perProcess,
      delivered: latencies.length,
      expected: perProcess * CHANGES,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      framesPerSecond: latencies.length / ((last - first) / 1000),
      bytesPerConnection: (rssAfter - rssBefore) / perProcess,
    };
  } finally {
    for (const p of procs) p.kill();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function fanoutBench(): Promise<void> {
  process.stdout.write(
    `fan-out: ${VIEWER_COUNTS.join(' and ')} viewers, ${CHANGES} stock changes ${SPACING_MS} ms apart\n`,
  );
  const runs: Run[] = [];
  for (const n of VIEWER_COUNTS) {
    for (const system of ['flashmob', 'socketio'] as const) {
      process.stdout.write(`  ${system}, ${n} viewers…\n`);
      runs.push(await runOne(system, n));
    }
  }
  const rows = runs.map((r) => [
    r.system === 'flashmob' ? '**Flashmob /ws**' : 'Socket.IO 4 (baseline)',
    fmt(r.viewers),
    `${fmt(r.delivered)} / ${fmt(r.expected)}`,
    fmt(r.p50),
    r.system === 'flashmob' ? `**${fmt(r.p99)}**` : fmt(r.p99),
    fmt(r.max),
    fmt(r.framesPerSecond),
    `${fmt(r.bytesPerConnection / 1024, 1)} KB`,
  ]);
  const md = `## Fan-out: one sale, thousands of viewers

${machine()}. One server process; viewers are real WebSocket connections from ${VIEWER_PROCESSES}
other processes on the same machine, all subscribed to one sale. ${CHANGES} stock changes are
made ${SPACING_MS} ms apart; latency is from the moment the change is posted to the server until
a viewer's handler has the new value (both clocks are this machine's). Flashmob's change is
pushed into the sale channel as a relayed event is; the baseline is a plain Socket.IO 4 server
(websocket transport) emitting the same state object to a room. Memory is the server's RSS growth
per connected, subscribed, idle viewer, both RSS figures taken after a full garbage collection.

${table(['server', 'viewers', 'frames delivered', 'p50 ms', 'p99 ms', 'max ms', 'frames/s', 'RSS per connection'], rows)}

Targets (issue #3): p99 ≤ 150 ms at 10,000 viewers, < 20 KB per idle connection, ahead of Socket.IO.
`;
  writeSection('fanout', md);
  process.stdout.write(`${md}\n`);
}
