import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, headCursor, readEvents } from '../../src/platform/bus/events.ts';
import { PG, pgCode, type Store } from '../../src/platform/store/store.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const kinds = await storeKinds();

describe.each(kinds)('store contract (%s)', (kind) => {
  let ts: TestStore;
  let store: Store;
  beforeAll(async () => {
    ts = await createTestStore(kind);
    store = ts.store;
  });
  afterAll(() => ts.dispose());

  it('store - runs parameterised queries and returns typed rows', async () => {
    const [row] = await store.query<{ n: number; a: string[]; j: { x: number }; t: Date }>(
      `select $1::int8 as n, $2::text[] as a, $3::jsonb as j, now() as t`,
      [42, ['x', 'y'], JSON.stringify({ x: 1 })],
    );
    expect(row?.n).toBe(42);
    expect(row?.a).toEqual(['x', 'y']);
    expect(row?.j).toEqual({ x: 1 });
    expect(row?.t).toBeInstanceOf(Date);
  });

  it('store - a transaction that throws leaves nothing behind', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.query(`insert into users (id, name) values ('usr_rollback00000000', 'x')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.query(`select 1 from users where id = 'usr_rollback00000000'`)).toHaveLength(0);
  });

  it('store - statements queued without awaiting run in order inside the transaction; one that fails unawaited rolls it back and its error (with its code) is thrown', async () => {
    // The claim engine sends its write and lets COMMIT queue behind it.
    const ok = await store.transaction(async (tx) => {
      const first = tx.query(`insert into users (id, name) values ('usr_queued0000000001', 'a')`);
      const second = tx.query<{ n: number }>(
        `select count(*)::int as n from users where id = 'usr_queued0000000001'`,
      );
      first.catch(() => {});
      return second;
    });
    expect(ok[0]?.n).toBe(1);
    expect(await store.query(`select 1 from users where id = 'usr_queued0000000001'`)).toHaveLength(1);

    let thrown: unknown;
    try {
      await store.transaction(async (tx) => {
        await tx.query(`insert into users (id, name) values ('usr_queued0000000002', 'b')`);
        // A duplicate primary key, not awaited: the COMMIT behind it is a rollback.
        tx.query(`insert into users (id, name) values ('usr_queued0000000001', 'dup')`).catch(() => {});
      });
    } catch (e) {
      thrown = e;
    }
    expect(pgCode(thrown)).toBe(PG.uniqueViolation);
    expect(await store.query(`select 1 from users where id = 'usr_queued0000000002'`)).toHaveLength(0);
  });

  it('store - a lane runs statements in the order sent, each in its own transaction: one that fails changes nothing and stops none of the others', async () => {
    await store.query('create table lane_probe (n int primary key, before int not null)');
    const lane = store.lane('itm_probe');
    // Sent at once, none awaited: each row counts the rows committed before it.
    const sent = [1, 2, 3, 2, 4, 5].map((n) =>
      lane.query('insert into lane_probe (n, before) select $1, count(*)::int from lane_probe', [n]),
    );
    const settled = await Promise.allSettled(sent);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(pgCode((settled[3] as PromiseRejectedResult).reason)).toBe(PG.uniqueViolation);
    const rows = await store.query<{ n: number; before: number }>(
      'select n, before from lane_probe order by n',
    );
    expect(rows).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, before: n - 1 })));
    // The same key gets the same lane, which other connections see committed at once.
    expect(await store.lane('itm_probe').query('select count(*)::int as n from lane_probe')).toEqual([
      { n: 5 },
    ]);
  });

  it.runIf(kind === 'postgres')(
    'store - a lane whose connection was cut connects again on its next statement',
    async () => {
      const lane = store.lane('itm_cut');
      await lane.query('select 1');
      const [self] = await lane.query<{ pid: number }>('select pg_backend_pid() as pid');
      await store.query('select pg_terminate_backend($1)', [self?.pid]);
      // The statement in flight when it is cut may fail; the lane is back after it.
      let answered: unknown;
      for (let i = 0; i < 20 && answered === undefined; i++) {
        answered = await lane
          .query<{ pid: number }>('select pg_backend_pid() as pid')
          .then((r) => r[0]?.pid)
          .catch(() => new Promise((r) => setTimeout(r, 50)).then(() => undefined));
      }
      expect(answered).toEqual(expect.any(Number));
      expect(answered).not.toBe(self?.pid);
    },
  );

  it('store - constraint violations carry the PostgreSQL error code', async () => {
    await store.query(
      `insert into users (id, email, name) values ('usr_a000000000000000', 'dup@x.dev', 'a')`,
    );
    const err = await store
      .query(`insert into users (id, email, name) values ('usr_b000000000000000', 'DUP@x.dev', 'b')`)
      .catch((e: unknown) => e);
    expect(pgCode(err)).toBe(PG.uniqueViolation);
  });

  it('event log - events are read after a cursor, in commit order, one transaction after another', async () => {
    const start = await headCursor(store);
    await store.transaction((tx) => appendEvents(tx, [{ type: 't.one', key: 'k', payload: { n: 1 } }]));
    await store.transaction((tx) =>
      appendEvents(tx, [
        { type: 't.two', key: 'k', payload: { n: 2 } },
        { type: 't.three', key: 'k', payload: { n: 3 } },
      ]),
    );
    // Read below the visibility horizon: a transaction open elsewhere on the server (another test
    // file) holds it back for a moment.
    let events = await readEvents(store, start, 100);
    for (let i = 0; i < 100 && events.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = await readEvents(store, start, 100);
    }
    expect(events.map((e) => e.payload['n'])).toEqual([1, 2, 3]);
    expect(events[1]?.txid).toBe(events[2]?.txid);
    expect(BigInt(events[0]?.txid ?? 0)).toBeLessThan(BigInt(events[1]?.txid ?? 0));
    const last = events[2];
    expect(await readEvents(store, { txid: last?.txid ?? '0', seq: last?.seq ?? 0 }, 100)).toEqual([]);
    expect(await headCursor(store)).toEqual({ txid: last?.txid, seq: last?.seq });
  });
});
