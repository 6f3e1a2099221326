import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyReadModel, markProcessedBatch } from '../../src/platform/bus/consumer-def.ts';
import type { EventRecord } from '../../src/platform/bus/events.ts';
import { serviceAvailable } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const pgOk = await serviceAvailable('postgres');

/**
 * A replay from 0 empties a read model while a worker may be committing a batch of it. Without
 * a lock the batch's processed markers (new rows, outside the delete's snapshot) survived while
 * its effect on existing rows was deleted, so the rebuild skipped those events: the read model
 * undercounted them. Real concurrency, so the real PostgreSQL.
 */
describe.skipIf(!pgOk)('replay lock on PostgreSQL', () => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore('postgres');
    await ts.store.query('create table probe_model (k text primary key, n int not null)');
    await ts.store.query(`insert into probe_model values ('a', 1)`);
  });
  afterAll(() => ts.dispose());

  /** Someone waits for the probe group's replay lock (in this database; others run tests too). */
  const waitingOnReplayLock = async () => {
    const [row] = await ts.store.query<{ n: number }>(
      `select count(*)::int as n from pg_locks l
       where l.locktype = 'advisory' and not l.granted
         and l.database = (select oid from pg_database where datname = current_database())
         and ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended('flashmob.replay:probe', 0)`,
    );
    return (row?.n ?? 0) > 0;
  };
  const event = (id: string) => ({ id }) as EventRecord;
  const until = async (cond: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('replay - a batch in flight while the read model is emptied is wiped with it, markers included', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let marked = false;
    const batch = ts.store.transaction(async (tx) => {
      await markProcessedBatch(tx, 'probe', [event('evt_in_flight')]);
      await tx.query(`update probe_model set n = n + 1 where k = 'a'`);
      marked = true;
      await gate; // the batch is still open when the replay starts
    });
    await until(async () => marked);
    let emptied = false;
    const wipe = emptyReadModel(ts.store, 'probe', async (tx) => {
      await tx.query('delete from probe_model');
      await tx.query(`delete from processed_events where consumer = 'probe'`);
    }).then(() => {
      emptied = true;
    });
    // The wipe waits on the replay lock the batch holds shared.
    await until(async () => {
      return waitingOnReplayLock();
    });
    expect(emptied).toBe(false);
    release();
    await Promise.all([batch, wipe]);
    expect(await ts.store.query('select * from probe_model')).toEqual([]);
    // The marker went with the effect: the rebuild handles the event again.
    expect(await ts.store.query(`select * from processed_events where consumer = 'probe'`)).toEqual([]);
  });

  it('replay - a batch that starts while the read model is being emptied waits, then applies to the empty model', async () => {
    await ts.store.query(`insert into probe_model values ('b', 1)`);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let locked = false;
    const wipe = emptyReadModel(ts.store, 'probe', async (tx) => {
      await tx.query('delete from probe_model');
      await tx.query(`delete from processed_events where consumer = 'probe'`);
      locked = true;
      await gate;
    });
    await until(async () => locked);
    const batch = ts.store.transaction(async (tx) => {
      const fresh = await markProcessedBatch(tx, 'probe', [event('evt_after')]);
      for (const _ of fresh) await tx.query(`insert into probe_model values ('c', 1)`);
    });
    await until(async () => {
      return waitingOnReplayLock();
    });
    release();
    await Promise.all([wipe, batch]);
    expect(await ts.store.query('select k, n from probe_model')).toEqual([{ k: 'c', n: 1 }]);
    expect(await ts.store.query(`select event_id from processed_events where consumer = 'probe'`)).toEqual([
      { event_id: 'evt_after' },
    ]);
  });
});
