import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { catalogPlugin } from '../../src/modules/catalog/index.ts';
import { declaredRoutes } from '../../src/platform/http/access.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** What every role serves whatever its job: health, readiness, the clock, metrics, the docs. */
const EVERY_ROLE = ['GET /metrics', 'GET /healthz', 'GET /readyz', 'GET /api/time'];

const routesOf = (t: TestApp) => declaredRoutes(t.fm.app).map((r) => `${r.method} ${r.url}`);

/** The OpenAPI paths, in Fastify's `:param` form. */
async function documented(t: TestApp): Promise<Set<string>> {
  const doc = (await t.fm.app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    ),
  );
}

describe.each([
  { role: 'all', api: true, realtime: true },
  { role: 'api', api: true, realtime: false },
  { role: 'realtime', api: false, realtime: true },
  { role: 'worker', api: false, realtime: false },
] as const)('roles - $role', ({ role, api, realtime }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { role } as Partial<Config> });
  });
  afterAll(() => t?.close());

  it(`roles - ${role} ${api ? 'registers' : 'does not register'} the module plugins and their routes`, async () => {
    const routes = routesOf(t);
    expect(routes).toEqual(expect.arrayContaining(EVERY_ROLE));
    if (api) {
      expect(routes.length).toBeGreaterThan(70);
      expect(routes).toEqual(expect.arrayContaining(['POST /api/sales/:id/claims', 'POST /api/checkout']));
      expect((await t.http('GET', '/api/trending')).statusCode).toBe(200);
    } else {
      expect(routes.sort()).toEqual([...EVERY_ROLE].sort());
      expect((await t.http('GET', '/api/trending')).statusCode).toBe(404);
    }
    expect(t.fm.realtime !== undefined).toBe(realtime);
  });

  it(`roles - ${role}: the OpenAPI document lists every route a module plugin declared`, async () => {
    const docs = await documented(t);
    // /metrics is hidden from the document on purpose.
    expect(routesOf(t).filter((r) => r !== 'GET /metrics' && !docs.has(r))).toEqual([]);
  });

  it(`roles - ${role}: shared concerns reach into every module plugin (headers, access, problems)`, async () => {
    const refused = await t.http('GET', '/api/me');
    expect(refused.statusCode).toBe(api ? 401 : 404);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('module plugins', () => {
  it('module plugins - a module plugin refuses to load before the shared concerns it depends on', async () => {
    const bare = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await expect(bare.register(catalogPlugin, { catalog: {} as never }).after()).rejects.toThrow(
      /dependency 'flashmob-http' of plugin 'flashmob-catalog' is not registered/,
    );
    await bare.close();
  });
});
