import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { testConfig } from '../helpers/test-app.ts';

const SECRET = 'a-secret-of-more-than-thirty-two-bytes';
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
    [{ PAYMENT_WEBHOOK_SECRET: 'short' }, 'PAYMENT_WEBHOOK_SECRET must be at least 32 bytes'],
    // 31 bytes in 16 characters: bytes are what count.
    [{ JWT_SECRET: `${'é'.repeat(15)}x` }, 'JWT_SECRET must be at least 32 bytes'],
    [
      { DATABASE_URL: 'postgres://127.0.0.1:9/nowhere' },
      'JWT_SECRET and PAYMENT_WEBHOOK_SECRET must be set (at least 32 bytes each',
    ],
    [{ REDIS_URL: 'redis://127.0.0.1:9', JWT_SECRET: SECRET }, 'PAYMENT_WEBHOOK_SECRET must be set'],
    [{ ROLE: 'worker', PAYMENT_WEBHOOK_SECRET: SECRET }, 'JWT_SECRET must be set'],
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

  it('cli - admin create makes the first admin; an address held by another account is refused', {
    timeout: 240_000,
  }, async () => {
    const created = run(['admin', 'create', '--email', 'first-admin@x.dev', '--password', 'admin-password'], {
      DATA_DIR: dataDir,
    });
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created admin first-admin@x\.dev \(usr_[a-z0-9]+\)\n$/);
    const again = run(['admin', 'create', '--email', 'FIRST-ADMIN@x.dev'], { DATA_DIR: dataDir });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('first-admin@x.dev is already an admin');
    const buyer = run(['user', 'create', '--email', 'squatter@x.dev', '--password', 'squatter-pw'], {
      DATA_DIR: dataDir,
    });
    expect(buyer.status, buyer.stderr).toBe(0);
    const refused = run(['admin', 'create', '--email', 'squatter@x.dev', '--password', 'admin-password'], {
      DATA_DIR: dataDir,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(
        'admin create --email squatter@x.dev belongs to an existing buyer account, not an admin',
      ),
    ]);
    // The same address as ADMIN_EMAIL: the node refuses to start, with one line.
    const start = run(['start'], {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: 'false',
      SERVE_WEB: 'false',
      ADMIN_EMAIL: 'squatter@x.dev',
      ADMIN_PASSWORD: 'admin-password',
    });
    expect(start.status).toBe(1);
    const lines = start.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'ADMIN_EMAIL squatter@x.dev belongs to an existing buyer account, not an admin',
    );
  });
});
