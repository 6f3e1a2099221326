import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type Deps, type Flashmob } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { StoreKind } from '../../src/platform/store/store.ts';
import { createTestStore, type TestStore } from './stores.ts';

export interface TestAppOptions {
  readonly store?: StoreKind;
  readonly clock?: Clock;
  readonly config?: Partial<Config>;
  readonly deps?: Partial<Deps>;
  /** Start the background work (relay, sweeper, consumers). */
  readonly start?: boolean;
}

export interface TestApp {
  readonly fm: Flashmob;
  readonly testStore: TestStore;
  http(
    method: InjectOptions['method'],
    url: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Cheaper scrypt than production (2^17) so that the suites, which make many accounts, stay
 * fast; the production parameters and the rehash at sign-in are tested in accounts-trust.
 */
export const TEST_PASSWORD_PARAMS = { N: 2 ** 14, r: 8, p: 1 } as const;

export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-test-'));
  return loadConfig(
    {},
    // serveWeb off unless asked: a test answers the same whether or not web/dist was built.
    {
      dataDir,
      logLevel: 'silent',
      rateLimitScale: 0,
      demo: false,
      sweepIntervalMs: 50,
      serveWeb: false,
      ...overrides,
    },
  );
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const testStore = await createTestStore(opts.store ?? 'pglite');
  const config = testConfig(opts.config);
  const fm = await buildApp(config, {
    store: testStore.store,
    skipMigrations: true,
    paymentLatencyMs: { min: 0, max: 2 },
    passwordParams: TEST_PASSWORD_PARAMS,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...opts.deps,
  });
  await fm.app.ready();
  if (opts.start !== false) await fm.start();
  return {
    fm,
    testStore,
    http(method, url, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      return fm.app.inject({
        method,
        url,
        headers,
        ...(o.body === undefined
          ? {}
          : typeof o.body === 'string'
            ? { payload: o.body }
            : { payload: o.body as object }),
      });
    },
    async close() {
      await fm.close();
      await testStore.dispose();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
