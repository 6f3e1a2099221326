/**
 * The benchmark server: the real app (as `flashmob start` builds it) plus two baseline routes
 * measured beside it in the same process: a trivial endpoint (the HTTP ceiling) and a naive
 * one-transaction-per-claim implementation of the claim endpoint. Never part of the product.
 */
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { settledRss } from './lib/settled-rss.ts';
import { naiveClaimRoutes } from './naive-claims.ts';

const config = loadConfig(process.env);
const fm = await buildApp(config);
naiveClaimRoutes(fm);
fm.app.post('/bench/trivial', { config: { access: 'public' } }, async (_req, reply) =>
  reply.code(201).send({ ok: true }),
);
// Fan-out baseline: a stock change pushed straight into the sale channel (as a relayed event
// would be), to compare the broadcast itself with a plain Socket.IO server's.
let benchVersion = 1_000_000;
fm.app.post<{ Params: { id: string }; Body: { sku: string; remaining: number } }>(
  '/bench/broadcast/:id',
  { config: { access: 'public' } },
  async (req) => {
    benchVersion += 1;
    fm.realtime?.sales.apply({
      seq: benchVersion,
      txid: '0',
      id: `evt_bench${benchVersion}`,
      type: 'reservation.released',
      key: req.params.id,
      version: 1,
      createdAt: new Date().toISOString(),
      payload: {
        saleId: req.params.id,
        sku: req.body.sku,
        itemVersion: benchVersion,
        remaining: req.body.remaining,
      },
    });
    return { ok: true };
  },
);
// The server's CPU time so far (µs): the claims benchmark reports CPU per request beside throughput.
fm.app.get('/bench/cpu', { config: { access: 'public' } }, async () => {
  const { user, system } = process.cpuUsage();
  return { micros: user + system };
});
// Guest accounts for tokens a benchmark signs itself (tokens are checked against their account).
fm.app.post<{ Body: { ids: string[] } }>('/bench/guests', { config: { access: 'public' } }, async (req) => {
  await fm.store.query(
    `insert into users (id, name, role, is_guest)
     select id, 'Bench guest', 'buyer', true from unnest($1::text[]) as id on conflict (id) do nothing`,
    [req.body.ids],
  );
  return { ok: true };
});
// Resident memory after a full GC (the fan-out benchmark's per-connection figure).
fm.app.get('/bench/memory', { config: { access: 'public' } }, async () => ({ rss: await settledRss() }));
await fm.start();
const address = await fm.listen();
process.stdout.write(`${JSON.stringify({ msg: 'flashmob is serving', address })}\n`);
// BENCH_PROFILE=file: SIGUSR2 starts a CPU profile, the next SIGUSR2 writes it (profiles only the load).
if (process.env.BENCH_PROFILE) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  let on = false;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!on) {
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        on = true;
      } else {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(process.env.BENCH_PROFILE as string, JSON.stringify(profile));
        on = false;
      }
    })();
  });
}
const stop = () => void fm.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
