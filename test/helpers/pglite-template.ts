import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openPgliteStore } from '../../src/platform/store/pglite-store.ts';

/**
 * A fresh PGlite costs ~4 s (initdb in WASM); reopening a copied data dir ~0.5 s. Tests copy a
 * template made once per set of migrations.
 */
export function templateDir(): string {
  const hash = createHash('sha256');
  for (const m of loadMigrations()) hash.update(m.name).update(m.sql);
  return path.join(os.tmpdir(), `flashmob-pglite-template-${hash.digest('hex').slice(0, 12)}`);
}

export async function prepareTemplate(): Promise<string> {
  const dir = templateDir();
  if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const store = await openPgliteStore(building);
  await migrate(store);
  await store.close();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process won the race
  }
  return dir;
}

export async function copyTemplate(): Promise<string> {
  const src = await prepareTemplate();
  const dest = mkdtempSync(path.join(os.tmpdir(), 'flashmob-pglite-'));
  cpSync(src, dest, { recursive: true });
  return dest;
}
