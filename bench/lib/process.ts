import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Proc {
  readonly url: string;
  readonly proc: ChildProcess;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry (through tsx) and waits for its `{msg: 'flashmob is serving', address}` line. */
export function startTs(entry: string, env: Record<string, string>, args: string[] = []): Promise<Proc> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DEMO: 'false',
      RATE_LIMIT_SCALE: '0',
      // Every simulated viewer connects from 127.0.0.1: the per-address cap would stop the crowd at 256.
      WS_MAX_CONNECTIONS_PER_IP: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${out}`)), 90_000);
    proc.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
      if (process.env.BENCH_DEBUG) process.stderr.write(d);
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n')) {
        if (!line.includes('flashmob is serving')) continue;
        try {
          const { address } = JSON.parse(line) as { address: string };
          clearTimeout(timer);
          resolve({
            url: address,
            proc,
            stop: async () => {
              proc.kill('SIGTERM');
              const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
              await exited;
              clearTimeout(t);
            },
          });
        } catch {
          // partial line
        }
      }
    });
    void exited.then(() => reject(new Error(`${entry} exited:\n${out}`)));
  });
}

/** Resident memory of a process in bytes (Linux /proc). */
