import pg from 'pg';
import type { Sql, Store } from './store.ts';

export interface PostgresStoreOptions {
  readonly url: string;
  /** Pool size; the claim engine needs few connections (one writer per hot item). */
  readonly max?: number;
  /** Schema to use for every connection (tests isolate themselves with one schema each). */
  readonly schema?: string;
  readonly applicationName?: string;
}

const INT8_OID = 20;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
};

/** Scale-out adapter: a pooled connection to a real PostgreSQL server. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'flashmob',
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const wrap = (c: pg.Pool | pg.PoolClient): Sql => ({
    async query<R>(text: string, params?: readonly unknown[]) {
      const res = await c.query(text, params as unknown[] | undefined);
      return res.rows as R[];
    },
  });
  const root = wrap(pool);
  const store: Store = {
    kind: 'postgres',
    query: root.query,
    async transaction(fn) {
      const client = await pool.connect();
      // BEGIN is not awaited on its own: node-postgres queues statements per connection and sends
      // the next the moment the previous one is answered, so the transaction's first statement
      // goes out with no round trip through this process in between. Its failure fails the
      // statements queued behind it, and is rethrown here.
      const begun = client.query('begin');
      begun.catch(() => {});
      // The first statement of the transaction that failed, awaited by the caller or not.
      let failed: unknown;
      const tx: Sql = {
        async query<R>(text: string, params?: readonly unknown[]) {
          try {
            return (await client.query(text, params as unknown[] | undefined)).rows as R[];
          } catch (e) {
            failed ??= e;
            throw e;
          }
        },
      };
      try {
        const out = await fn(tx);
        await begun;
        // A statement that failed unawaited leaves the transaction aborted: PostgreSQL answers
        // this COMMIT with ROLLBACK (no error), which must not pass for a commit: the failed
        // statement's own error is thrown (its SQLSTATE tells a caller whether to retry).
        const commit = await client.query('commit');
        if (commit.command === 'ROLLBACK') {
          throw failed ?? new Error('the transaction was rolled back: a statement in it failed');
        }
        return out;
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
  await store.ping();
  return store;
}
