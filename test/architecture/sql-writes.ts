import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * Reads the SQL in the source tree: which file writes which table. Only string literals and
 * template literals are read (a `${…}` counts as a blank), so prose in comments never counts.
 */

/** One SQL write found in a source file. */
export interface SqlWrite {
  readonly file: string;
  readonly line: number;
  readonly table: string;
  readonly statement: 'insert' | 'update' | 'delete' | 'merge' | 'copy' | 'truncate';
}

const NAME = '([a-z_][a-z0-9_]*)';
const WRITES: readonly { statement: SqlWrite['statement']; pattern: RegExp }[] = [
  { statement: 'insert', pattern: new RegExp(`\\binsert\\s+into\\s+(?:only\\s+)?${NAME}`, 'g') },
  // `update t set`, `update t as x set`, `update t x set`; not `for update`, `do update set`.
  {
    statement: 'update',
    pattern: new RegExp(
      `\\bupdate\\s+(?:only\\s+)?${NAME}(?:\\s+(?:as\\s+)?[a-z_][a-z0-9_]*)?\\s+set\\b`,
      'g',
    ),
  },
  { statement: 'delete', pattern: new RegExp(`\\bdelete\\s+from\\s+(?:only\\s+)?${NAME}`, 'g') },
  { statement: 'merge', pattern: new RegExp(`\\bmerge\\s+into\\s+(?:only\\s+)?${NAME}`, 'g') },
  { statement: 'copy', pattern: new RegExp(`\\bcopy\\s+${NAME}\\s*(?:\\([^)]*\\)\\s*)?from\\b`, 'g') },
  {
    statement: 'truncate',
    pattern: new RegExp(`\\btruncate\\s+(?:table\\s+)?(?:only\\s+)?(${NAME}(?:\\s*,\\s*${NAME})*)`, 'g'),
  },
];
/** Words that follow `update` without naming a table (`do update set`, `for update skip locked`). */
const NOT_TABLES = new Set(['set', 'of', 'skip', 'nowait']);

/** The string and template literals of a TypeScript source, with the line each starts on. */
export function sqlStringsOf(source: string): { text: string; line: number }[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  const out: { text: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ');
    if (text !== undefined) {
      out.push({ text, line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Every table written by the SQL in `source`, statement by statement. */
export function sqlWritesOf(file: string, source: string): SqlWrite[] {
  const writes: SqlWrite[] = [];
  for (const { text, line } of sqlStringsOf(source)) {
    const sql = text.toLowerCase();
    const found: { at: number; write: SqlWrite }[] = [];
    for (const { statement, pattern } of WRITES) {
      for (const m of sql.matchAll(pattern)) {
        const tables = statement === 'truncate' ? (m[1] ?? '').split(/\s*,\s*/) : [m[1] ?? ''];
        for (const table of tables) {
          if (NOT_TABLES.has(table)) continue;
          const at = line + (sql.slice(0, m.index).match(/\n/g)?.length ?? 0);
          found.push({ at: m.index, write: { file, line: at, table, statement } });
        }
      }
    }
    // In the order they appear in the statement.
    writes.push(...found.sort((a, b) => a.at - b.at).map((f) => f.write));
  }
  return writes;
}

/**
 * The owner a file writes as: `src/modules/<m>/…` is module `m`, `src/platform/<p>/…` is the
 * port `p` (`bus`, `store`), anything else is its top folder or file (`commands`, `app`).
 */
export function writerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return file;
  if (parts[1] === 'modules' || (parts[1] === 'platform' && parts.length > 3)) return parts[2] as string;
  if (parts[1] === 'platform') return 'platform';
  return (parts[1] as string).replace(/\.ts$/, '');
}

/** The source files (not tests) under `dir`, as paths relative to `root` with `/`. */
export function sourceFiles(root: string, dir = 'src'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
        out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** Every table the migrations create. */
export function migrationTables(root: string): string[] {
  const dir = join(root, 'migrations');
  const tables = new Set<string>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const sql = readFileSync(join(dir, f), 'utf8').toLowerCase();
    for (const m of sql.matchAll(
      /\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/g,
    ))
      tables.add(m[1] as string);
  }
  return [...tables].sort();
}

/** The "Tables and their owners" table of docs/ARCHITECTURE.md: table → owner. */
export function tableOwners(doc: string): Map<string, string> {
  const block = /<!-- table-owners:start -->([\s\S]*?)<!-- table-owners:end -->/.exec(doc);
  if (!block) throw new Error('docs/ARCHITECTURE.md has no table-owners block');
  const owners = new Map<string, string>();
  for (const row of (block[1] as string).split('\n')) {
    const cells = row.split('|').map((c) => c.trim());
    const owner = /^`([a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!owner) continue;
    for (const m of (cells[2] ?? '').matchAll(/`([a-z_][a-z0-9_]*)`/g)) {
      const table = m[1] as string;
      const before = owners.get(table);
      if (before && before !== owner)
        throw new Error(`table ${table} has two owners: ${before} and ${owner}`);
      owners.set(table, owner);
    }
  }
  return owners;
}

const VERB: Record<SqlWrite['statement'], string> = {
  insert: 'inserts into',
  update: 'updates',
  delete: 'deletes from',
  merge: 'merges into',
  copy: 'copies into',
  truncate: 'truncates',
};

/** Each write of a table from outside its owner, as "file:line writes table (owner: m)". */
export function trespasses(writes: readonly SqlWrite[], owners: ReadonlyMap<string, string>): string[] {
  return writes.flatMap((w) => {
    const owner = owners.get(w.table);
    const writer = writerOf(w.file);
    if (owner === writer) return [];
    const who = owner ? `owner: ${owner}` : 'no owner in docs/ARCHITECTURE.md';
    return [`${w.file}:${w.line} (${writer}) ${VERB[w.statement]} ${w.table} (${who})`];
  });
}
