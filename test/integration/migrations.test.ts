import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openPgliteStore } from '../../src/platform/store/pglite-store.ts';

describe('migrations', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'flashmob-mig-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('migrations - the project’s files have one number each', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('migrations - two files with one number are refused before anything runs', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '001_a.sql'), 'create table a (id int);');
    writeFileSync(path.join(dir, '001_b.sql'), 'create table b (id int);');
    expect(() => loadMigrations(dir)).toThrow(/001_a and 001_b share the number 1/);
  });

  it('migrations - a failing migration leaves none of the run applied', async () => {
    const store = await openPgliteStore(tmp());
    try {
      const bad = [
        { version: 1, name: '001_good', sql: 'create table good (id int);' },
        { version: 2, name: '002_bad', sql: 'create table bad (id int);\nselect no_such_function();' },
      ];
      await expect(migrate(store, bad)).rejects.toThrow(/no_such_function/);
      const tables = await store.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_name in ('good', 'bad', 'schema_migrations')`,
      );
      expect(tables).toEqual([]);
      expect(await migrate(store, bad.slice(0, 1))).toEqual(['001_good']);
    } finally {
      await store.close();
    }
  });
});
