import net from 'node:net';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const cache = new Map<string, Promise<boolean>>();

/**
 * Whether a real service is there. When it is not: outside CI the suite skips with a visible
 * line naming the service; in CI (CI set) that is a failure, never a silent skip.
 */
export async function serviceAvailable(name: 'postgres' | 'redis' | 'nats'): Promise<boolean> {
  const [url, port] =
    name === 'postgres'
      ? [TEST_DATABASE_URL, 5432]
      : name === 'redis'
        ? [TEST_REDIS_URL, 6379]
        : [TEST_NATS_URL, 4222];
  let p = cache.get(name);
  if (!p) {
    p = reachable(url, port);
    cache.set(name, p);
  }
  const ok = await p;
  if (!ok) {
    if (process.env.CI)
      throw new Error(`${name} is not reachable at ${url}, and CI is set: this is a failure`);
    process.stderr.write(`\n⚠ SKIPPING ${name} tests: ${name} is not reachable at ${url}\n`);
  }
  return ok;
}

/** Stops the machine's NATS server and starts it again with the command the machine uses. */
export async function restartNats(downForMs: number): Promise<void> {
  const { execSync } = await import('node:child_process');
  execSync('start-stop-daemon --stop --oknodo --retry 5 --exec /usr/sbin/nats-server', { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, downForMs));
  execSync(
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if (await reachable(TEST_NATS_URL, 4222)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('NATS did not come back');
}
