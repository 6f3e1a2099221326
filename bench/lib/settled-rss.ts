import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * The process's resident memory once garbage is collected (twice, and a moment to return pages),
 * so that before/after differences measure what connections hold, not what startup left behind.
 */
export async function settledRss(): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  await new Promise((r) => setTimeout(r, 200));
  return process.memoryUsage().rss;
}
