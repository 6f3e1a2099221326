import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './process.ts';

const FILE = path.join(ROOT, 'docs/BENCHMARKS.md');
const HEADER = `# Benchmarks

Produced by \`npm run bench\` (each section by its suite: \`npm run bench -- claims\`, …). Every
figure is measured in the same run as its baseline, on the same machine; nothing here is a
target. Re-run to refresh; sections of suites not run are kept.
`;

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`;
}

/** Replaces (or appends) the section of one suite in docs/BENCHMARKS.md. */
export function writeSection(suite: string, markdown: string): void {
  const begin = `<!-- bench:${suite}:begin -->`;
  const end = `<!-- bench:${suite}:end -->`;
  let doc = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  doc =
    i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, doc);
}

export function table(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
