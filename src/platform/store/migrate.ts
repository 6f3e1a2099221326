import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toError } from '../errors.ts';
import type { Sql, Store } from './store.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** An arbitrary constant: the advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK = 72_707_001;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
  // Two files with one number: the runner records versions, so the second would never run.
  const seen = new Map<number, string>();
  for (const m of migrations) {
    const other = seen.get(m.version);
    if (other) throw new Error(`migrations ${other} and ${m.name} share the number ${m.version}`);
    seen.set(m.version, m.name);
  }
  return migrations;
}

/**
 * Applies pending migrations in order, each in its own transaction. A migration that fails is not
 * applied at all (its transaction rolls back: never half a schema), the ones before it stay
 * applied, the run stops there (the node refuses to start), and the next run resumes at it.
 * Safe when several nodes start at once: every transaction takes an advisory lock and reads
 * schema_migrations again under it, so each migration is applied once, in order, by whichever
 * node gets to it first. (A transaction-level lock because a Store has no session of its own: on
 * PostgreSQL its statements may go to any pooled connection.)
 */
export async function migrate(store: Store, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  const done = await store.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const rows = await tx.query<{ version: number }>('select version from schema_migrations');
    return new Set(rows.map((r) => r.version));
  });
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const ran = await store
      .transaction(async (tx) => {
        await lockMigrations(tx);
        // Another node may have applied it since the read above.
        const already = await tx.query('select 1 from schema_migrations where version = $1', [m.version]);
        if (already.length > 0) return false;
        for (const statement of splitStatements(m.sql)) await tx.query(statement);
        await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        return true;
      })
      .catch((e: unknown) => {
        // Which file failed, for whoever reads why the node did not start.
        throw new Error(`migration ${m.name} failed: ${toError(e).message}`, { cause: e });
      });
    if (ran) applied.push(m.name);
  }
  return applied;
}

/** Held until the transaction ends; one lock per schema (tests migrate schemas side by side). */
async function lockMigrations(tx: Sql): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK]);
}

/** Splits a migration file on semicolons at line ends; bodies with `$$` stay whole. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (!inDollar && (trimmed.startsWith('--') || trimmed === '')) continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollar = !inDollar;
    if (!inDollar && trimmed.endsWith(';')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
