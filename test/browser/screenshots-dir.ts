import { copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder this run's screenshots go to (test/browser/global-setup.ts chooses it). */
    screenshotDir: string;
    /** Whether the pictures docs/screenshots/ shows are refreshed too (`npm run screenshots`). */
    updateDocsScreenshots: boolean;
  }
}

export const DOCS_SCREENSHOTS_DIR = path.resolve(import.meta.dirname, '../../docs/screenshots');

/**
 * The pictures the README shows, by the name a test gives them → their file in docs/screenshots/.
 * Only `npm run screenshots` writes there; every other run leaves docs/ alone.
 */
export const DOCS_SCREENSHOTS: Readonly<Record<string, string>> = {
  'home-phone': 'home-phone',
  'home-desktop': 'home-desktop',
  'sale-hold-phone': 'sale-hold-phone',
  'checkout-phone': 'checkout-phone',
  'queue-waiting-phone': 'queue-phone',
  'host-dashboard-desktop': 'host-dashboard-desktop',
  'show-room-phone': 'show-room-phone',
  'show-room-desktop': 'show-room-desktop',
  'host-control-room-desktop': 'host-control-room-desktop',
};

/**
 * Where a run writes its screenshots: `SCREENSHOT_DIR` when set (relative to the working
 * directory), else a folder of its own under the system's temporary directory, so that a test
 * run never changes the tree.
 */
export function chooseScreenshotDir(env: NodeJS.ProcessEnv, now = new Date()): string {
  if (env.SCREENSHOT_DIR) return path.resolve(env.SCREENSHOT_DIR);
  const run = now.toISOString().replace(/[:.]/g, '-');
  return path.join(os.tmpdir(), 'flashmob-screenshots', `${run}-${process.pid}`);
}

/** This run's folder (one for every file of the run). */
export function screenshotDir(): string {
  return inject('screenshotDir');
}

/** A picture of the page as `<name>.png` in this run's folder (and in docs/ when it is one of its). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotDir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  const doc = DOCS_SCREENSHOTS[name];
  if (doc && inject('updateDocsScreenshots')) {
    const target = path.join(DOCS_SCREENSHOTS_DIR, `${doc}.png`);
    copyFileSync(file, target);
    console.info(`screenshot: updated ${path.relative(process.cwd(), target)}`);
  }
  return file;
}
