import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headPosition, readEvents } from '../../src/platform/bus/events.ts';
import { OutboxRelay } from '../../src/platform/bus/relay.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { serviceAvailable, TEST_DATABASE_URL } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const pgOk = await serviceAvailable('postgres');

/**
 * The classic outbox loss: seq is taken at insert, but a transaction that inserted early can
 * commit late. A relay reading "seq after the last one seen" skips its rows. Ours must not.
 */
describe.skipIf(!pgOk)('outbox relay on PostgreSQL under concurrent writers', () => {
  let ts: TestStore;
  const logger = createLogger('silent');
  beforeAll(async () => {
    ts = await createTestStore('postgres');
  });
  afterAll(() => ts.dispose());

  const client = async () => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${ts.schema}` });
    await c.connect();
    return c;
  };
  const insert = (c: pg.Client, n: number) =>
    c.query(`insert into events (id, type, key, payload) values ($1, 'test.late', 'k', $2)`, [
      `evt_late_${n}_${Date.now()}`,
      { n },
    ]);

  it('relay - an event whose transaction commits late is not skipped', async () => {
    const relay = new OutboxRelay({ store: ts.store, logger, intervalMs: 10_000 });
    const start = await headPosition(ts.store);
    const slow = await client();
    const fast = await client();
    await slow.query('begin');
    await insert(slow, 1); // takes the smaller seq…
    await fast.query('begin');
    await insert(fast, 2);
    await fast.query('commit'); // …but commits after a later one
    await relay.step();
    const seenWhileOpen = await readEvents(ts.store, start, 100);
    expect(seenWhileOpen.map((e) => e.payload['n'])).toEqual([]); // held back: an older tx is still running
    await slow.query('commit');
    await relay.step();
    const all = await readEvents(ts.store, start, 100);
    expect(all.map((e) => e.payload['n']).sort()).toEqual([1, 2]);
    await slow.end();
    await fast.end();
  });

  it('relay - many writers committing in random order: every event gets exactly one position', async () => {
    const relay = new OutboxRelay({ store: ts.store, logger, intervalMs: 5 });
    const start = await headPosition(ts.store);
    relay.start();
    const writers = await Promise.all(Array.from({ length: 8 }, () => client()));
    const N = 400;
    let n = 0;
    await Promise.all(
      writers.map(async (c) => {
        while (n < N) {
          const mine = n++;
          await c.query('begin');
          await insert(c, mine);
          await new Promise((r) => setTimeout(r, Math.random() * 8)); // commit at a random later moment
          await c.query('commit');
        }
      }),
    );
    // Wait for the relay to catch up.
    for (let i = 0; i < 200; i++) {
      const [row] = await ts.store.query<{ n: number }>(
        `select count(*)::int as n from events where pos is null`,
      );
      if (row?.n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await relay.stop();
    const events = await readEvents(ts.store, start, 10_000);
    const ns = events.map((e) => Number(e.payload['n']));
    expect(new Set(ns).size).toBe(N);
    expect(ns.length).toBe(N);
    const positions = events.map((e) => e.pos);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(N);
    await Promise.all(writers.map((c) => c.end()));
  });
});
