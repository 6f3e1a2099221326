import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/flashmob.js');

export interface ServerProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  readonly output: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `flashmob start` as a real process on a free port and waits until it serves. */
export function spawnServer(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [BIN, 'start', ...args], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DEMO: 'false',
      RATE_LIMIT_SCALE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output.join('')}`));
    }, 60_000);
    const onLine = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const log = JSON.parse(line) as { msg?: string; address?: string };
          if (log.msg === 'flashmob is serving' && log.address) {
            clearTimeout(timer);
            resolve({ url: log.address, proc, output, kill });
          }
        } catch {
          // not a log line
        }
      }
    };
    proc.stdout?.on('data', onLine);
    proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving:\n${output.join('')}`));
    });
  });
}

export async function api(
  base: string,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown } = {},
) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}
