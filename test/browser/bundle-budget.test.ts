import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildWebApp, WEB_DIST, webBuildIsStale } from '../../src/platform/http/web-app.ts';

/**
 * The buyer app's performance budget (issue #6): the JavaScript a first visit downloads before
 * the app can run (the entry script and every module it preloads, as `index.html` names them) is
 * at most 200 KB gzipped. Lazy pages (the show room, the waiting room, the host console, hls.js)
 * are not in it. The figure is printed so that a run reports it.
 */
const BUDGET_BYTES = 200 * 1024;

/** The scripts a first visit loads: `<script type="module" src>` and `<link rel="modulepreload" href>`. */
function initialScripts(indexHtml: string): string[] {
  const urls = new Set<string>();
  for (const m of indexHtml.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) urls.add(m[1] as string);
  for (const m of indexHtml.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) {
    urls.add(m[1] as string);
  }
  return [...urls];
}

describe('web app budget', () => {
  it('web - the initial JavaScript of the buyer app is at most 200 KB gzipped', async () => {
    if (webBuildIsStale()) await buildWebApp(pino({ level: 'silent' }));
    const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
    const scripts = initialScripts(html);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    const rows: string[] = [];
    for (const url of scripts) {
      const gz = gzipSync(readFileSync(path.join(WEB_DIST, url.replace(/^\//, '')))).length;
      total += gz;
      rows.push(`${url} ${(gz / 1024).toFixed(1)} KB`);
    }
    console.log(`initial JavaScript (gzip): ${(total / 1024).toFixed(1)} KB of 200 KB — ${rows.join(', ')}`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
    // Lazy chunks stay lazy: the show room, the host console and hls.js are not in the first load.
    expect(scripts.some((s) => /ShowRoom|HostConsole|hls/.test(s))).toBe(false);
  });
});
