import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import type { Sql } from '../../platform/store/store.ts';
import { AccountStates } from './account-states.ts';

/** A users table in memory that counts the reads it answers. */
function fakeUsers(rows: Record<string, { token_version: number; suspended: boolean }>) {
  const reads: string[][] = [];
  let gate: Promise<void> = Promise.resolve();
  const sql: Sql = {
    async query<R>(_text: string, params?: readonly unknown[]): Promise<R[]> {
      const ids = (params?.[0] as string[]) ?? [];
      reads.push(ids);
      const snapshot = ids.filter((id) => rows[id]).map((id) => ({ id, ...rows[id] }));
      await gate;
      return snapshot as R[];
    },
  };
  return {
    sql,
    reads,
    rows,
    hold() {
      let release!: () => void;
      gate = new Promise((r) => {
        release = r;
      });
      return () => release();
    },
  };
}

describe('account states', () => {
  it('account states - the lookups of one moment are one read; then cached for the window', async () => {
    const db = fakeUsers({
      a: { token_version: 1, suspended: false },
      b: { token_version: 0, suspended: true },
    });
    const clock = new ManualClock();
    const states = new AccountStates({ sql: db.sql, clock, ttlMs: 5_000 });
    const got = await Promise.all([states.get('a'), states.get('b'), states.get('a'), states.get('zz')]);
    expect(got).toEqual([
      { version: 1, suspended: false },
      { version: 0, suspended: true },
      { version: 1, suspended: false },
      undefined,
    ]);
    expect(db.reads).toEqual([['a', 'b', 'zz']]);
    clock.advance(4_999);
    await states.get('a');
    expect(db.reads).toHaveLength(1);
    clock.advance(1);
    db.rows.a = { token_version: 2, suspended: false };
    expect(await states.get('a')).toEqual({ version: 2, suspended: false });
    expect(db.reads).toHaveLength(2);
  });

  it('account states - a change on this node applies at once; a read already on its way does not undo it', async () => {
    const db = fakeUsers({ a: { token_version: 3, suspended: false } });
    const clock = new ManualClock();
    const states = new AccountStates({ sql: db.sql, clock });
    const release = db.hold();
    const stale = states.get('a'); // reads version 3…
    await Promise.resolve();
    states.changed({ userId: 'a', version: 4, suspended: true }); // …while it became 4
    release();
    expect(await stale).toEqual({ version: 4, suspended: true });
    expect(await states.get('a')).toEqual({ version: 4, suspended: true });
    states.changed({ userId: 'a', version: 3, suspended: false }); // an older notice, late
    expect(await states.get('a')).toEqual({ version: 4, suspended: true });
  });

  it('account states - lookups during a read wait for the next one; the ones it answered are not read again', async () => {
    const db = fakeUsers({
      a: { token_version: 0, suspended: false },
      b: { token_version: 0, suspended: false },
    });
    const states = new AccountStates({ sql: db.sql, clock: new ManualClock() });
    const release = db.hold();
    const first = states.get('a');
    await Promise.resolve();
    const during = [states.get('a'), states.get('b')];
    release();
    await Promise.all([first, ...during]);
    expect(db.reads).toEqual([['a'], ['b']]);
  });

  it('account states - bounded: the oldest entry is forgotten first', async () => {
    const db = fakeUsers({
      a: { token_version: 0, suspended: false },
      b: { token_version: 0, suspended: false },
      c: { token_version: 0, suspended: false },
    });
    const states = new AccountStates({ sql: db.sql, clock: new ManualClock(), maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) await states.get(id);
    expect(states.size).toBe(2);
    await states.get('b');
    await states.get('a');
    expect(db.reads.map((r) => r.join())).toEqual(['a', 'b', 'c', 'a']);
  });

  it('account states - a failed read refuses (fails closed) and the next lookup reads again', async () => {
    let fail = true;
    const sql: Sql = {
      async query<R>(): Promise<R[]> {
        if (fail) throw new Error('store down');
        return [{ id: 'a', token_version: 0, suspended: false }] as R[];
      },
    };
    const states = new AccountStates({ sql, clock: new ManualClock() });
    await expect(states.get('a')).rejects.toThrow('store down');
    fail = false;
    expect(await states.get('a')).toEqual({ version: 0, suspended: false });
  });
});
