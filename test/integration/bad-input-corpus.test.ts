import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeUser } from '../factories/index.ts';
import { type Case, casesFor, type Operation, operationsOf } from '../helpers/input-corpus.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * Every field of every route, from the OpenAPI document, gets each bad value of the corpus
 * (NUL, an unpaired surrogate, a control character, 100k characters, the wrong type, a huge or
 * negative number, an object where a scalar belongs, an unknown key). Each one must be refused
 * by the schema layer (400 validation_failed, or 413 when it passes the body limit) as
 * application/problem+json, never a 5xx, and must change nothing in the store:
 * - on PGlite (this file's alone) the snapshot's xmax, which moves when any transaction writes
 *   any row of any table, even one rolled back (a request refused by its schema must not even
 *   try), and the count of events;
 * - on PostgreSQL (shared with other tests, so xmax moves anyway) a count and a checksum of
 *   every row of every table of this file's schema.
 */
const SCHEMA_REFUSALS = ['validation_failed', 'body_too_large'];

const kinds = await storeKinds();
// Every case on PGlite; one in four on PostgreSQL, to keep the file near 30 s on two cores (the
// schema layer is the same whatever the store; what differs is the state probe).
const plans = kinds.map((kind) => ({ kind, every: kind === 'pglite' ? 1 : 4 }));

for (const { kind, every } of plans) {
  describe(`bad input corpus on ${kind}`, async () => {
    let t: TestApp;
    let admin: Actor;
    let probeSql = '';
    const boot = createTestApp({ store: kind, start: false });
    const ops: Operation[] = operationsOf((await (await boot).fm.app.inject({ url: '/docs/json' })).json());

    beforeAll(async () => {
      t = await boot;
      admin = await makeUser(t.fm, 'admin');
      if (kind === 'pglite') {
        // PGlite assigns a transaction id only to a transaction that writes (a refused update
        // that matched no row does not count), so an unchanged xmax means nothing was written.
        probeSql = `select pg_snapshot_xmax(pg_current_snapshot())::text as xmax,
                           (select count(*)::int from events) as events`;
        return;
      }
      const tables = await t.fm.store.query<{ table_name: string }>(
        `select table_name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
      );
      probeSql = tables
        .map(
          ({ table_name: name }) =>
            `select '${name}' as t, count(*)::int as n,
                    md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as sum from "${name}" x`,
        )
        .join(' union all ');
    });
    afterAll(() => t.close());

    const state = async () => JSON.stringify(await t.fm.store.query(probeSql));
    const send = (c: Case) =>
      t.fm.app.inject({
        method: c.method as 'GET',
        url: c.url,
        headers: { authorization: `Bearer ${admin.token}` },
        ...(c.body === undefined ? {} : { payload: c.body as object }),
      });

    it('bad input corpus - the document lists the API (the walk is not vacuous)', () => {
      expect(ops.length).toBeGreaterThan(60);
      expect(ops.reduce((n, op) => n + casesFor(op).cases.length, 0)).toBeGreaterThan(1_000);
    });

    it.each(ops.map((op) => [`${op.method} ${op.path}`, op] as const))(
      'bad input corpus - %s refuses every bad field at the schema layer and changes nothing',
      async (_, op) => {
        const { base, cases } = casesFor(op);
        // The accepted request passes the schemas (so each case below is refused for its one bad
        // field, not for another); what the service then says does not matter here.
        const accepted = await send(base);
        expect(accepted.statusCode, base.name).toBeLessThan(500);
        if (accepted.statusCode === 400)
          expect(accepted.json().code, base.name).not.toBe('validation_failed');

        const failures: string[] = [];
        let before = await state();
        for (const [i, c] of cases.entries()) {
          if (i % every !== 0) continue;
          const r = await send(c);
          const type = String(r.headers['content-type'] ?? '');
          const code = type.startsWith('application/problem+json') ? r.json().code : undefined;
          if (r.statusCode < 400 || r.statusCode >= 500 || !SCHEMA_REFUSALS.includes(code))
            failures.push(`${c.name}: ${r.statusCode} ${type} ${r.body.slice(0, 200)}`);
          const after = await state();
          if (after !== before) failures.push(`${c.name}: changed the store`);
          before = after;
        }
        expect(failures).toEqual([]);
      },
    );
  });
}
