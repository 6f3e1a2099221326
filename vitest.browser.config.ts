import { defineConfig } from 'vitest/config';

/**
 * Browser tests: a real server in-process and Debian's chromium (playwright-core) per file.
 * `npm run test:browser`. One file at a time: the machine is small and each file runs a browser.
 * Screenshots go to a temporary folder per run (or SCREENSHOT_DIR); `npm run screenshots` also
 * refreshes the ones in docs/screenshots/ (test/browser/screenshots-dir.ts).
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
