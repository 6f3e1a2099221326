import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitment, verifyDrawRecord } from '../../src/domain/fair-draw.ts';
import { type Actor, makeBuyers, makeUser, SHIPPING } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { postgresUrlFor } from '../helpers/stores.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('giveaways (%s)', (kind) => {
  let t: TestApp;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({ store: kind });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const open = async (durationSeconds = 60) => {
    const { show, skus } = await makeShow(t.fm, host);
    const res = await t.http('POST', `/api/shows/${show.id}/giveaways`, {
      token: host.token,
      body: { sku: skus[0], durationSeconds },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  };

  it('giveaways - a giveaway draws only among its entrants, gives a free order, and proves it', async () => {
    const g = await open();
    // Commit before anyone enters: the seed's hash is public, the seed is not.
    expect(g.seedHash).toMatch(/^[0-9a-f]{64}$/);
    const early = (await t.http('GET', `/api/giveaways/${g.id}/proof`)).json();
    expect([early.seed, early.seedHash, early.algorithm]).toEqual([null, g.seedHash, 'flashmob-draw-v1']);
    const entrants = await makeBuyers(t.fm, 5);
    const [outsider] = await makeBuyers(t.fm, 1);
    for (const e of entrants)
      expect((await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: e.token })).statusCode).toBe(
        201,
      );
    expect(
      (await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: entrants[0]?.token })).json()
        .alreadyEntered,
    ).toBe(true);
    expect(
      (await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: entrants[0]?.token })).statusCode,
    ).toBe(403);
    const drawn = (await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: host.token })).json();
    expect(entrants.map((e) => e.id)).toContain(drawn.winnerId);
    expect(drawn.entrants).toBe(5);
    const order = await t.fm.services.orders.get(drawn.orderId);
    expect(order).toMatchObject({ buyerId: drawn.winnerId, totalCents: 0, source: 'giveaway' });
    // Paid (nothing to pay), then packed by the pipeline; it waits there for the winner's address.
    expect(['paid', 'packed']).toContain(order?.state);
    const proofIn = (
      await t.http('GET', `/api/giveaways/${g.id}/proof`, { token: entrants[2]?.token })
    ).json();
    expect(proofIn).toMatchObject({ entrantCount: 5, youEntered: true, verified: true });
    expect(proofIn.entrants[proofIn.winnerIndex]).toBe(drawn.winnerId);
    // Reveal: anyone recomputes the winner from the seed and the list; one changed entrant fails.
    expect(commitment(proofIn.seed)).toBe(g.seedHash);
    expect(verifyDrawRecord(proofIn)).toEqual({ ok: true });
    const forged = [...proofIn.entrants.slice(1), 'usr_zzzzzzzzzzzzzzzz'];
    expect(verifyDrawRecord({ ...proofIn, entrants: forged }).ok).toBe(false);
    const proofOut = (await t.http('GET', `/api/giveaways/${g.id}/proof`, { token: outsider?.token })).json();
    expect(proofOut.youEntered).toBe(false);
    const closed = (
      await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: outsider?.token })
    ).json();
    expect(closed).toMatchObject({ code: 'giveaway_closed', opensAt: g.opensAt });
    // Closed at the draw, not at the end of the window it was opened with.
    expect(Date.parse(closed.closesAt)).toBeLessThanOrEqual(Date.parse(g.closesAt));
    expect(new Date(Date.parse(closed.closesAt)).toISOString()).toBe(closed.closesAt);
    const ship = await t.http('PUT', `/api/orders/${drawn.orderId}/shipping`, {
      token: entrants.find((e) => e.id === drawn.winnerId)?.token,
      body: SHIPPING,
    });
    expect(ship.json().shipping.city).toBe(SHIPPING.city);
    await expect
      .poll(async () => (await t.fm.services.orders.get(drawn.orderId))?.state, { timeout: 5_000 })
      .toBe('shipped');
  });

  it('giveaways - 150 viewers enter twice at once while the host double-clicks draw: one winner, one prize order, every accepted entry in the proof', async () => {
    const g = await open();
    const viewers = await makeBuyers(t.fm, 150);
    const enter = async (v: Actor) => {
      const res = await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: v.token });
      return { v, status: res.statusCode, body: res.json() };
    };
    const draw = () => t.http('POST', `/api/giveaways/${g.id}/draw`, { token: host.token });
    // The draws are sent once a third of the entries are answered: they land in the crowd.
    let answered = 0;
    let draws: Promise<Awaited<ReturnType<typeof draw>>[]> | undefined;
    const entries = viewers.flatMap((v) =>
      [enter(v), enter(v)].map((p) =>
        p.then((a) => {
          if (++answered === 100) draws = Promise.all([draw(), draw(), draw()]);
          return a;
        }),
      ),
    );
    const answers = await Promise.all(entries);
    const drawn = await (draws as NonNullable<typeof draws>);
    expect(drawn.map((d) => d.statusCode)).toEqual([200, 200, 200]);
    const [first] = drawn.map((d) => d.json());
    for (const d of drawn)
      expect(d.json()).toMatchObject({ winnerId: first.winnerId, orderId: first.orderId });

    for (const a of answers) {
      if (a.status !== 201) expect([a.status, a.body.code]).toEqual([409, 'giveaway_closed']);
    }
    const accepted = new Set(answers.filter((a) => a.status === 201).map((a) => a.v.id));
    const proof = (await t.http('GET', `/api/giveaways/${g.id}/proof`)).json();
    // Whoever was told "entered" is in the draw, and nobody else: the proof still checks out.
    expect(new Set(proof.entrants)).toEqual(accepted);
    expect(proof).toMatchObject({ entrantCount: accepted.size, verified: true, winnerId: first.winnerId });
    expect(accepted.has(first.winnerId)).toBe(true);
    // A viewer's two entries at once: at most one of them is a new entry.
    for (const v of viewers) {
      const fresh = answers.filter((a) => a.v === v && a.status === 201 && !a.body.alreadyEntered);
      expect(fresh.length).toBe(accepted.has(v.id) ? 1 : 0);
    }
    const prizes = await t.fm.store.query<{ id: string }>(
      "select id from orders where source = 'giveaway' and buyer_id = any($1)",
      [viewers.map((v) => v.id)],
    );
    expect(prizes).toEqual([{ id: first.orderId }]);
    const [lines] = await t.fm.store.query<{ n: number }>(
      'select count(*)::int as n from order_lines where order_id = $1',
      [first.orderId],
    );
    expect(lines?.n).toBe(1);
  });

  it.runIf(kind === 'postgres')(
    'giveaways - regression: an entry checked before a draw and written after it is refused, never left out of the proof',
    async () => {
      const g = await open();
      const [early, late] = (await makeBuyers(t.fm, 2)) as [Actor, Actor];
      expect(
        (await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: early.token })).statusCode,
      ).toBe(201);
      // Another session locks the entries table against writes: the late entry passes its checks,
      // then waits to write; the draw (which only reads entries) runs and commits meanwhile.
      const side = new pg.Client({ connectionString: postgresUrlFor(t.testStore.schema as string) });
      await side.connect();
      try {
        const { rows } = await side.query<{ pid: number }>('select pg_backend_pid() as pid');
        await side.query('begin');
        await side.query('lock table giveaway_entries in share mode');
        const entry = t.http('POST', `/api/giveaways/${g.id}/entries`, { token: late.token });
        await expect
          .poll(
            async () =>
              (
                await side.query('select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [
                  rows[0]?.pid,
                ])
              ).rowCount,
            { interval: 5 },
          )
          .toBe(1);
        const drawn = await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: host.token });
        expect(drawn.json()).toMatchObject({ status: 'drawn', entrants: 1, winnerId: early.id });
        await side.query('rollback');
        const e = await entry;
        expect([e.statusCode, e.json().code]).toEqual([409, 'giveaway_closed']);
        const proof = (await t.http('GET', `/api/giveaways/${g.id}/proof`)).json();
        expect(proof).toMatchObject({ verified: true, entrantCount: 1, entrants: [early.id] });
      } finally {
        await side.end();
      }
    },
  );
});
