import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { chooseScreenshotDir } from './screenshots-dir.ts';

/**
 * Once per browser-test run: chooses the folder every file writes its screenshots to and says
 * where it is, at the start and again at the end (the start scrolls away).
 */
export default function setup(project: TestProject): () => void {
  const dir = chooseScreenshotDir(process.env);
  project.provide('screenshotDir', dir);
  project.provide('updateDocsScreenshots', process.env.UPDATE_DOCS_SCREENSHOTS === '1');
  console.info(`browser tests: screenshots go to ${dir}`);
  return () => {
    if (existsSync(dir)) console.info(`browser tests: this run's screenshots are in ${dir}`);
  };
}
