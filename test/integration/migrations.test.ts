import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openPgliteStore } from '../../src/platform/store/pglite-store.ts';
import { openPostgresStore } from '../../src/platform/store/postgres-store.ts';
import type { Store, StoreKind } from '../../src/platform/store/store.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { TEST_DATABASE_URL } from '../helpers/services.ts';
import { createSchema, dropSchema } from '../helpers/stores.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'flashmob-mig-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder of migration files, as the runner finds them in migrations/. */
function migrationsDir(files: Record<string, string>): string {
  const dir = tmp();
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  it('migrations - the project’s files have one number each', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('migrations - two files with one number are refused before anything runs', () => {
    const dir = migrationsDir({
      '001_a.sql': 'create table a (id int);',
      '001_b.sql': 'create table b (id int);',
    });
    expect(() => loadMigrations(dir)).toThrow(/001_a and 001_b share the number 1/);
  });
});

const kinds = await storeKinds();

describe.each(kinds)('migrations (%s)', (kind: StoreKind) => {
  /** PGlite: one embedded database for the file, a schema per test on its one connection. */
  let pglite: Store | undefined;
  const schemas: string[] = [];
  const opened: Store[] = [];

  beforeAll(async () => {
    if (kind === 'pglite') pglite = await openPgliteStore(tmp());
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    await pglite?.close();
    for (const s of schemas) await dropSchema(s);
  });

  /** `n` migrators on one empty schema: separate pools on PostgreSQL (as nodes are), PGlite's one. */
  async function emptySchema(n = 1): Promise<Store[]> {
    if (pglite) {
      const schema = `m_${randomBytes(6).toString('hex')}`;
      await pglite.query(`create schema ${schema}`);
      await pglite.query(`set search_path to ${schema}`);
      return Array.from({ length: n }, () => pglite as Store);
    }
    const schema = await createSchema();
    schemas.push(schema);
    const stores = await Promise.all(
      Array.from({ length: n }, () => openPostgresStore({ url: TEST_DATABASE_URL, schema, max: 3 })),
    );
    opened.push(...stores);
    return stores;
  }

  const tables = async (store: Store) =>
    (
      await store.query<{ name: string }>(
        `select table_name as name from information_schema.tables
          where table_schema = current_schema() order by table_name`,
      )
    ).map((r) => r.name);
  const versions = async (store: Store) =>
    (await store.query<{ version: number }>('select version from schema_migrations order by version')).map(
      (r) => r.version,
    );

  it('migrations - a failing migration leaves the ones before it applied, itself and later ones not', async () => {
    const [store] = (await emptySchema()) as [Store];
    const dir = migrationsDir({
      '001_one.sql': 'create table one (id int);',
      '002_two.sql': 'create table two (id int);\ninsert into one values (2);\nselect no_such_function();',
      '003_three.sql': 'create table three (id int);',
    });
    await expect(migrate(store, loadMigrations(dir))).rejects.toThrow(/002_two failed: .*no_such_function/);
    // 002's table and row went with its transaction; 003 was never tried.
    expect(await tables(store)).toEqual(['one', 'schema_migrations']);
    expect(await store.query('select * from one')).toEqual([]);
    expect(await versions(store)).toEqual([1]);

    writeFileSync(path.join(dir, '002_two.sql'), 'create table two (id int);\ninsert into one values (2);');
    expect(await migrate(store, loadMigrations(dir))).toEqual(['002_two', '003_three']);
    expect(await tables(store)).toEqual(['one', 'schema_migrations', 'three', 'two']);
    expect(await store.query('select id from one')).toEqual([{ id: 2 }]);
    expect(await versions(store)).toEqual([1, 2, 3]);
    expect(await migrate(store, loadMigrations(dir))).toEqual([]);
  });

  it('migrations - migrators started at once apply each migration once, in order', async () => {
    const stores = await emptySchema(3);
    // A migration applied twice would fail (`create table` again) or leave a second row in `runs`.
    const dir = migrationsDir({
      '001_runs.sql': 'create table runs (version int not null, at serial);',
      '002_a.sql': 'create table a (id int);\ninsert into runs (version) values (2);',
      '003_b.sql': 'create table b (id int);\ninsert into runs (version) values (3);',
      '004_c.sql': 'insert into runs (version) values (4);',
    });
    const migrations = loadMigrations(dir);
    const applied = await Promise.all(stores.map((s) => migrate(s, migrations)));
    expect(applied.flat().sort()).toEqual(['001_runs', '002_a', '003_b', '004_c']);
    const [store] = stores as [Store];
    expect(await store.query('select version from runs order by at')).toEqual([
      { version: 2 },
      { version: 3 },
      { version: 4 },
    ]);
    expect(await versions(store)).toEqual([1, 2, 3, 4]);
  });

  it('migrations - the project’s migrations, by three migrators at once', async () => {
    const stores = await emptySchema(3);
    const applied = await Promise.all(stores.map((s) => migrate(s)));
    expect(applied.flat().sort()).toEqual(loadMigrations().map((m) => m.name));
    expect(await versions(stores[0] as Store)).toEqual(loadMigrations().map((m) => m.version));
  });
});
