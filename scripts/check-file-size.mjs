#!/usr/bin/env node
// Files a person can hold in their head (docs/ARCHITECTURE.md, "Module boundaries"): no source,
// test, style or script file over MAX_LINES, and the median source file at most MEDIAN_LINES.
// Run by `npm run lint`; reads the files git tracks (and new ones not ignored).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX_LINES = 400;
const MEDIAN_LINES = 150;
const CHECKED = /^(src|web\/src|test|bench|scripts)\/.*\.(ts|tsx|js|mjs|cjs|css)$/;
const GENERATED = /\.d\.ts$/;
const SOURCE = /^(src|web\/src)\/.*\.(ts|tsx|css)$/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => CHECKED.test(f) && !GENERATED.test(f));

const lines = new Map();
for (const f of files) {
  try {
    lines.set(f, readFileSync(f, 'utf8').split('\n').length - 1);
  } catch {
    // Listed by git but deleted in the working tree: nothing to measure.
  }
}

const tooLong = [...lines].filter(([, n]) => n > MAX_LINES).sort((a, b) => b[1] - a[1]);
for (const [f, n] of tooLong) console.error(`${f}: ${n} lines (limit ${MAX_LINES})`);

const sizes = [...lines]
  .filter(([f]) => SOURCE.test(f) && !/\.test\.tsx?$/.test(f))
  .map(([, n]) => n)
  .sort((a, b) => a - b);
const median = sizes.length ? sizes[Math.floor(sizes.length / 2)] : 0;
if (median > MEDIAN_LINES) console.error(`median source file: ${median} lines (limit ${MEDIAN_LINES})`);

if (tooLong.length > 0 || median > MEDIAN_LINES) process.exit(1);
console.log(`file sizes: ${lines.size} files ≤ ${MAX_LINES} lines, median source file ${median} lines`);
