import pg from 'pg';
import { toError } from '../errors.ts';
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
  const name = options.applicationName ?? 'flashmob';
  const connection = {
    connectionString: options.url,
    // A statement queued behind another on a connection (a transaction's next step) is sent at once.
    pipeline: true,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...connection, max: options.max ?? 10, application_name: name });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const lanes = new Lanes(() => new pg.Client({ ...connection, application_name: `${name}-lane` }));
  const store: Store = {
    kind: 'postgres',
    query: (text, params) => rowsOf(pool, text, params),
    async transaction(fn) {
      const client = await pool.connect();
      // BEGIN is not awaited on its own: node-postgres queues statements per connection and sends
      // the next the moment the previous one is answered, so the transaction's first statement
      // goes out with no round trip through this process in between. Its failure fails the
      // statements queued behind it, and is rethrown here.
      const begun = client.query('begin');
      begun.catch(() => {}); // not unhandled while fn runs: awaited below, or fn's own error is thrown
      // The first statement of the transaction that failed, awaited by the caller or not.
      let failed: unknown;
      let broken: Error | undefined;
      const tx: Sql = {
        async query<R>(text: string, params?: readonly unknown[]) {
          try {
            // Straight on the client, not through rowsOf: the failure must be recorded before the
            // COMMIT's answer, which comes in the same read, is handled.
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
        // A connection that cannot even roll back is broken: closed, not handed to the next caller.
        broken = await client.query('rollback').then(
          () => undefined,
          (r: unknown) => toError(r),
        );
        throw e;
      } finally {
        client.release(broken);
      }
    },
    lane: (key) => lanes.get(key),
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await lanes.close();
      await pool.end();
    },
  };
  await store.ping();
  return store;
}

/** A statement's rows, on a pool, a pooled client or a lane's client. */
async function rowsOf<R>(
  c: pg.Pool | pg.PoolClient | pg.Client,
  text: string,
  params?: readonly unknown[],
): Promise<R[]> {
  return (await c.query(text, params as unknown[] | undefined)).rows as R[];
}

const LANES = 2;

/**
 * Dedicated pipelined connections for ordered statements (Store.lane). A lane whose connection
 * failed (a server restart) connects again on its next statement; what was in flight on it fails.
 */
class Lanes {
  private readonly clients: Array<Promise<pg.Client> | undefined> = [];

  constructor(private readonly connect: () => pg.Client) {}

  get(key: string): Sql {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    const at = Math.abs(h) % LANES;
    return {
      query: async (text, params) => rowsOf(await this.client(at), text, params),
    };
  }

  private client(at: number): Promise<pg.Client> {
    let c = this.clients[at];
    if (!c) {
      const client = this.connect();
      const forget = () => {
        if (this.clients[at] === c) this.clients[at] = undefined;
      };
      client.on('error', forget);
      client.on('end', forget);
      c = client.connect().then(
        () => client,
        (e: unknown) => {
          forget();
          throw e;
        },
      );
      this.clients[at] = c;
    }
    return c;
  }

  async close(): Promise<void> {
    const open = this.clients.splice(0);
    // Closing: a lane that never connected, or whose connection is gone, has nothing to end.
    await Promise.all(open.map((c) => c?.then((client) => client.end()).catch(() => {})));
  }
}
