import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  migrationTables,
  sourceFiles,
  sqlStringsOf,
  sqlWritesOf,
  tableOwners,
  trespasses,
  writerOf,
} from './sql-writes.ts';

/**
 * One owner per table (docs/ARCHITECTURE.md, "Tables and their owners"): every table the
 * migrations create has one owning module, and only that module's files write it. Others ask it
 * through its public entry, passing their transaction when the write must commit with theirs.
 */

const root = join(import.meta.dirname, '..', '..');
const owners = tableOwners(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'));
const files = sourceFiles(root);
const writes = files.flatMap((f) => sqlWritesOf(f, readFileSync(join(root, f), 'utf8')));
/** Tables the source creates itself (the migration runner's own). */
const createdInSource = files.flatMap((f) =>
  sqlStringsOf(readFileSync(join(root, f), 'utf8')).flatMap(({ text }) =>
    [...text.toLowerCase().matchAll(/\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/g)].map(
      (m) => m[1] as string,
    ),
  ),
);

describe('tables and their owners', () => {
  it('gives every table of the migrations an owner, and owns no table that does not exist', () => {
    const tables = migrationTables(root);
    expect(tables.length).toBeGreaterThan(40);
    expect(tables.filter((t) => !owners.has(t))).toEqual([]);
    const known = new Set([...tables, ...createdInSource]);
    expect([...owners.keys()].filter((t) => !known.has(t))).toEqual([]);
  });

  it('has every table written only by its owner', () => {
    // The scan finds the writes it should (a sanity floor: an empty scan would pass anything).
    expect(writes.length).toBeGreaterThan(100);
    expect(new Set(writes.map((w) => w.table)).size).toBeGreaterThan(40);
    expect(trespasses(writes, owners)).toEqual([]);
  });

  it('names each owner after a module or a platform port that has files', () => {
    const writers = new Set(files.map(writerOf));
    expect([...new Set(owners.values())].filter((o) => !writers.has(o))).toEqual([]);
  });
});

describe('the SQL scan', () => {
  const scan = (file: string, source: string) =>
    sqlWritesOf(file, source).map((w) => `${w.statement} ${w.table}@${w.line}`);

  it('finds inserts, updates, deletes, merges, copies and truncates in strings and templates', () => {
    const source = [
      "await tx.query('insert into orders (id) values ($1)', [id]);",
      'await tx.query(`update  order_lines as l set cancelled_at = $2 where l.id = $1`);',
      'await tx.query(`with x as (delete from reservations where id = $1 returning *)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source of a template literal, as the scan reads it
      '  update sale_items i set remaining = remaining + 1 from x where ${guard}`);',
      'const s = "merge into trending t using x on t.id = x.id";',
      "const c = 'copy bids (id, amount_cents) from stdin';",
      "const t = 'truncate table sale_stats, sale_stats_minutes';",
    ].join('\n');
    expect(scan('src/modules/shows/x.ts', source)).toEqual([
      'insert orders@1',
      'update order_lines@2',
      'delete reservations@3',
      'update sale_items@4',
      'merge trending@5',
      'copy bids@6',
      'truncate sale_stats@7',
      'truncate sale_stats_minutes@7',
    ]);
  });

  it('ignores comments, row locks, upserts and prose', () => {
    const source = [
      '// insert into orders, then update orders set state: prose in a comment',
      '/** delete from reservations */',
      "await tx.query('select * from orders where id = $1 for update of o skip locked');",
      "await tx.query('insert into trending (id) values ($1) on conflict (id) do update set heat = excluded.heat');",
      "throw new AppError('x', 'Could not update your order; delete it from your list');",
    ].join('\n');
    expect(scan('src/modules/trending/x.ts', source)).toEqual(['insert trending@4']);
  });

  it('maps a file to the module or port it writes as', () => {
    expect(writerOf('src/modules/waiting-room/memory-queue-store.ts')).toBe('waiting-room');
    expect(writerOf('src/platform/bus/store-consumer.ts')).toBe('bus');
    expect(writerOf('src/platform/store/migrate.ts')).toBe('store');
    expect(writerOf('src/platform/metrics.ts')).toBe('platform');
    expect(writerOf('src/commands/demo-seed.ts')).toBe('commands');
    expect(writerOf('src/app.ts')).toBe('app');
  });

  it('reports a write from outside the owner, as the old prize order in shows did', () => {
    // What src/modules/shows/giveaways.ts held before the orders module took its orders over.
    const prizeOrder = [
      'await tx.query(',
      '  `insert into orders (id, buyer_id, state, source, total_cents, currency, payment, created_at, updated_at)',
      "   values ($1, $2, 'paid', 'giveaway', 0, 'USD', $3::jsonb, $4, $4)`,",
      ');',
      'await tx.query(`insert into order_lines (order_id, line_no, sku, title, quantity, price_cents) values ($1, 1, $2, $3, 1, 0)`);',
    ].join('\n');
    const found = sqlWritesOf('src/modules/shows/giveaways.ts', prizeOrder);
    expect(trespasses(found, owners)).toEqual([
      'src/modules/shows/giveaways.ts:2 (shows) inserts into orders (owner: orders)',
      'src/modules/shows/giveaways.ts:5 (shows) inserts into order_lines (owner: orders)',
    ]);
    expect(trespasses(sqlWritesOf('src/modules/shows/x.ts', "q('delete from nowhere')"), owners)).toEqual([
      'src/modules/shows/x.ts:1 (shows) deletes from nowhere (no owner in docs/ARCHITECTURE.md)',
    ]);
  });
});
