import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { migrate } from '../../src/platform/store/migrate.ts';
import { openPgliteStore } from '../../src/platform/store/pglite-store.ts';
import { openPostgresStore } from '../../src/platform/store/postgres-store.ts';
import type { Store, StoreKind } from '../../src/platform/store/store.ts';
import { copyTemplate } from './pglite-template.ts';
import { TEST_DATABASE_URL } from './services.ts';

export interface TestStore {
  readonly store: Store;
  /** PostgreSQL: the schema this test owns (other processes join it with `schema`). */
  readonly schema?: string;
  readonly dataDir?: string;
  dispose(): Promise<void>;
}

/** A migrated PostgreSQL schema of its own for one test file. */
export async function createSchema(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** A database for one test: a copied PGlite template, or a fresh schema on the real PostgreSQL. */
export async function createTestStore(kind: StoreKind, opts: { max?: number } = {}): Promise<TestStore> {
  if (kind === 'pglite') {
    const dataDir = await copyTemplate();
    const store = await openPgliteStore(dataDir);
    return {
      store,
      dataDir,
      async dispose() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = await createSchema();
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, max: opts.max ?? 10 });
  await migrate(store);
  return {
    store,
    schema,
    async dispose() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

export function postgresUrlFor(schema: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
