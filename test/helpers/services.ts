import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

const NATS_SERVER = '/usr/sbin/nats-server';

/**
 * A NATS JetStream server of the suite's own (the machine's nats-server binary, a free port, a
 * fresh store directory), for tests that stop NATS mid-run: stopping the machine's shared
 * server would break every other suite running at the same time.
 */
export class PrivateNats {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNats> {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const nats = new PrivateNats(port, mkdtempSync(path.join(os.tmpdir(), 'flashmob-nats-')));
    await nats.up();
    return nats;
  }

  private async up(): Promise<void> {
    this.child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (await reachable(this.url, this.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the private NATS server did not start on port ${this.port}`);
  }

  private async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /**
   * Stops the server, runs `whileDown` (what the test wants to see happen in the outage), and
   * starts it again on the same port and store (its streams kept).
   */
  async restart(whileDown: () => Promise<void>): Promise<void> {
    await this.down();
    await whileDown();
    await this.up();
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
