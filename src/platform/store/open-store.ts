import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openPgliteStore } from './pglite-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly applicationName?: string;
}

/** PostgreSQL when DATABASE_URL is set, otherwise PGlite under DATA_DIR/pglite. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    return openPostgresStore({
      url: options.databaseUrl,
      max: 10,
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    });
  }
  const dir = path.join(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(options.dataDir);
  const store = await openPgliteStore(dir);
  return {
    ...store,
    close: async () => {
      await store.close();
      release();
    },
  };
}

/** Another live process holds the embedded database's data directory. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly holder: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${holder}; the embedded database serves one process (set DATABASE_URL to share one)`,
    );
  }
}

/**
 * PGlite is one process's database: a second process on the same files would corrupt them.
 * A pid file refuses that with a clear message (a stale one, left by a crash, is taken over).
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'pglite.pid');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new DataDirInUseError(dataDir, holder);
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
