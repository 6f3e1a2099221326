import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenService } from '../src/modules/auth/tokens.ts';
import { benchGuestTokens, call } from './lib/http.ts';
import { type Proc, ROOT, startTs } from './lib/process.ts';
import { fmt, machine, table, writeSection } from './lib/report.ts';

const VIEWERS = Number(process.env.ROOM_VIEWERS ?? 5_000);
const CHAT_PER_SECOND = 200;
const REACTIONS_PER_SECOND = 2_000;
/** Reactions are sent the way apps send taps: a few per request. */
const REACTIONS_PER_REQUEST = 5;
const SECONDS = Number(process.env.ROOM_SECONDS ?? 10);
/** The room's tick (`SHOW_TICK_MS`): chat batches and the room state leave once per tick. */
const TICK_MS = Number(process.env.SHOW_TICK_MS ?? 250);

/** Sends `perSecond` requests a second, evenly, for `seconds`; returns how many were accepted. */
async function paced(
  seconds: number,
  perSecond: number,
  send: (i: number) => Promise<boolean>,
): Promise<number> {
  const start = Date.now();
  let sent = 0;
  let ok = 0;
  const inflight = new Set<Promise<void>>();
  while (Date.now() - start < seconds * 1000) {
    const due = Math.floor(((Date.now() - start) / 1000) * perSecond);
    while (sent < due) {
      const p = send(sent++).then((accepted) => {
        if (accepted) ok++;
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inflight);
  return ok;
}

export async function liveRoomBench(): Promise<void> {
  process.stdout.write(
    `live room: ${fmt(VIEWERS)} viewers, ${CHAT_PER_SECOND} chat lines/s and ${fmt(REACTIONS_PER_SECOND)} reactions/s for ${SECONDS} s\n`,
  );
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-room-'));
  const secret = randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    JWT_SECRET: secret,
    ADMIN_EMAIL: 'room@flashmob.dev',
    ADMIN_PASSWORD: 'live-room-bench',
    SHOW_TICK_MS: String(TICK_MS),
  };
  if (process.env.BENCH_PROFILE) env.BENCH_PROFILE = process.env.BENCH_PROFILE;
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
    const show = await call(base, 'POST', '/api/shows', admin, {
      title: 'Bench show',
      startsAt: new Date().toISOString(),
    });
    await call(base, 'POST', `/api/shows/${show.id}/live`, admin);
    // Chatters: signed tokens of distinct accounts (chat is limited to 5 lines per 10 s per person).
    const tokens = new TokenService(secret);
    const chatters = await benchGuestTokens(base, 2_000, (id) =>
      tokens.sign({ id, role: 'buyer', guest: true }),
    );

    const per = Math.ceil(VIEWERS / 2);
    viewers = [0, 1].map(() =>
      fork(path.join(ROOT, 'bench/lib/room-viewers.ts'), [base, show.id, String(per)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    await Promise.all(viewers.map((v) => new Promise((r) => v.once('message', r))));
    await new Promise((r) => setTimeout(r, 1_000));
    for (const v of viewers) v.send({ start: true });
    if (process.env.BENCH_PROFILE) server.proc.kill('SIGUSR2');
    const started = Date.now();
    // What was not accepted, by status and code (or the network error): printed, never hidden.
    const refusals = new Map<string, number>();
    const post = async (route: string, token: string, expected: number, body: unknown) => {
      let outcome: string;
      try {
        const res = await fetch(`${base}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        const problem = (await res.json().catch(() => ({}))) as { code?: string };
        if (res.status === expected) return true;
        outcome = `${res.status} ${problem.code}`;
      } catch (e) {
        outcome = `network error ${(e as { cause?: { code?: string } }).cause?.code ?? String(e)}`;
      }
      refusals.set(outcome, (refusals.get(outcome) ?? 0) + 1);
      return false;
    };
    const [chatOk, reactOk] = await Promise.all([
      paced(SECONDS, CHAT_PER_SECOND, (i) =>
        post(`/api/shows/${show.id}/chat`, chatters[i % chatters.length] as string, 201, {
          text: `t=${Date.now()} what a drop ${i}`,
        }),
      ),
      paced(SECONDS, REACTIONS_PER_SECOND / REACTIONS_PER_REQUEST, (i) =>
        post(`/api/shows/${show.id}/reactions`, chatters[(i * 7) % chatters.length] as string, 202, {
          type: 'heart',
          count: REACTIONS_PER_REQUEST,
        }),
      ),
    ]);
    if (process.env.BENCH_PROFILE) server.proc.kill('SIGUSR2');
    if (refusals.size)
      process.stdout.write(`refused: ${[...refusals].map(([k, n]) => `${k} ×${n}`).join(', ')}\n`);
    await new Promise((r) => setTimeout(r, 1_000));
    const elapsed = (Date.now() - started) / 1000;
    const reports = await Promise.all(
      viewers.map(
        (v) =>
          new Promise<{
            histogram: number[];
            frames: number;
            chatFrames: number;
            stateFrames: number;
            viewers: number;
            sampled: number;
          }>((resolve) => {
            v.once('message', (m) => resolve(m as never));
            v.send({ report: true });
          }),
      ),
    );
    const histogram = new Array<number>(10_001).fill(0);
    for (const r of reports) {
      for (const [i, n] of r.histogram.entries()) histogram[i] = (histogram[i] ?? 0) + n;
    }
    const total = histogram.reduce((a, b) => a + b, 0);
    const at = (p: number) => {
      let seen = 0;
      for (let i = 0; i < histogram.length; i++) {
        seen += histogram[i] ?? 0;
        if (seen >= total * p) return i;
      }
      return Number.NaN;
    };
    const viewersTotal = reports.reduce((n, r) => n + r.viewers, 0);
    const sampled = reports.reduce((n, r) => n + r.sampled, 0);
    const frames = reports.reduce((n, r) => n + r.frames, 0);
    const chatFrames = reports.reduce((n, r) => n + r.chatFrames, 0);
    const stateFrames = reports.reduce((n, r) => n + r.stateFrames, 0);
    const md = `## Live room: ${fmt(VIEWERS)} viewers, ${CHAT_PER_SECOND} chat lines/s, ${fmt(REACTIONS_PER_SECOND)} reactions/s

${machine()}. One server process (embedded store), ${fmt(viewersTotal)} viewers on real WebSockets
from two client processes, subscribed to one show (\`show:ID\`, tick ${TICK_MS} ms). For ${SECONDS} s the
load generator posts ${CHAT_PER_SECOND} chat lines a second (\`POST /api/shows/:id/chat\`, 2,000
distinct accounts, each line carrying its send time) and ${fmt(REACTIONS_PER_SECOND)} reactions a second
(${REACTIONS_PER_REQUEST} taps per request, as apps batch them). Latency is from a line's send to a
viewer's handler having it, over every line received by ${fmt(sampled)} sampled viewers (one in ten
parses its frames; every viewer reads and counts every frame: the client processes share the
server's two cores, and real viewers are on their own devices).

${table(
  [
    'chat lines accepted',
    'reactions accepted',
    'lines delivered (sampled)',
    'p50 ms',
    'p99 ms',
    'max ms',
    'frames per viewer per s',
    'chat frames / s',
    'state frames / s',
  ],
  [
    [
      fmt(chatOk),
      fmt(reactOk * REACTIONS_PER_REQUEST),
      fmt(total),
      fmt(at(0.5)),
      fmt(at(0.99)),
      fmt(at(1)),
      fmt(frames / viewersTotal / elapsed, 1),
      fmt(chatFrames / viewersTotal / elapsed, 1),
      fmt(stateFrames / viewersTotal / elapsed, 1),
    ],
  ],
)}

${refusals.size ? `Not accepted: ${[...refusals].map(([k, n]) => `${k} ×${fmt(n)}`).join(', ')}.\n\n` : ''}Chat reaches viewers in batches, one frame per tick; reactions never travel one by one: they are
added up and sent as totals inside the conflated room state.
`;
    writeSection('live-room', md);
    process.stdout.write(`${md}\n`);
  } finally {
    for (const v of viewers) v.kill();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
