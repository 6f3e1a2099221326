import { PGlite } from '@electric-sql/pglite';
import type { Sql, Store } from './store.ts';

/** int8 as a JS number (ids and sums stay far below 2^53). */
const INT8_OID = 20;
const parsers = { [INT8_OID]: (v: string) => Number(v) };

/**
 * Embedded adapter: PostgreSQL compiled to WASM, in this process, persisted under a directory
 * (or `memory://`). One connection: PGlite runs statements one at a time, and a transaction
 * holds it exclusively, which makes every transaction serial here.
 */
export async function openPgliteStore(dataDir: string): Promise<Store> {
  const db = await PGlite.create(dataDir, { parsers });
  const wrap = (q: Pick<PGlite, 'query'>): Sql => ({
    async query<R>(text: string, params?: readonly unknown[]) {
      const res = await q.query<R>(text, params ? [...params] : undefined);
      return res.rows;
    },
  });
  const root = wrap(db);
  return {
    kind: 'pglite',
    query: root.query,
    async transaction(fn) {
      // The first statement that failed, awaited by the caller or not: when one fails unawaited,
      // PGlite's COMMIT finds the transaction aborted and throws without the SQLSTATE; the
      // statement's own error is thrown instead (its code tells a caller whether to retry).
      let failed: unknown;
      try {
        return await db.transaction((tx) =>
          fn({
            async query<R>(text: string, params?: readonly unknown[]) {
              try {
                return (await tx.query<R>(text, params ? [...params] : undefined)).rows;
              } catch (e) {
                failed ??= e;
                throw e;
              }
            },
          }),
        );
      } catch (e) {
        throw failed ?? e;
      }
    },
    // One connection: statements already run in the order they are sent.
    lane: () => root,
    ping: async () => {
      await db.query('select 1');
    },
    close: () => db.close(),
  };
}
