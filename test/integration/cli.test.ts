import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { testConfig } from '../helpers/test-app.ts';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/flashmob.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('configuration and the command line', () => {
  const dataDir = testConfig().dataDir;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('config - every key has a working default', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      role: 'all',
      databaseUrl: undefined,
      natsUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer'],
    [{ PORT: '70000' }, 'PORT must be between'],
    [{ ROLE: 'boss' }, 'ROLE must be one of'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must use'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32'],
    [{ ADMIN_EMAIL: 'a@b.c' }, 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together'],
  ])('config - bad configuration %o fails at start with one clear line and exit 1', (env, message) => {
    const r = run(['start'], { DATA_DIR: dataDir, ...env });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('bad configuration');
    expect(lines[0]).toContain(message);
  });

  it('cli - migrate, then user create makes a host who can sign in', { timeout: 240_000 }, async () => {
    const m = run(['migrate'], { DATA_DIR: dataDir });
    expect(m.status, m.stderr).toBe(0);
    const u = run(
      ['user', 'create', '--email', 'cli-host@x.dev', '--role', 'host', '--password', 'cli-password'],
      { DATA_DIR: dataDir },
    );
    expect(u.status, u.stderr).toBe(0);
    expect(u.stdout).toContain('created host cli-host@x.dev');
    const bad = run(['user', 'create', '--email', 'nope', '--role', 'host'], { DATA_DIR: dataDir });
    expect(bad.status).toBe(1);
    const r = run(['replay', '--consumer', 'sale-stats', '--from', '0'], { DATA_DIR: dataDir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('replayed sale-stats from 0');
    const unknown = run(['replay', '--consumer', 'nope'], { DATA_DIR: dataDir });
    expect(unknown.status).toBe(1);
    expect(run(['frobnicate']).status).toBe(1);
  });
});
