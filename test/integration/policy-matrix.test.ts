import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowsAccess } from '../../src/domain/policy.ts';
import { declaredRoutes } from '../../src/platform/http/access.ts';
import { buildWorld, ROLE_NAMES, type RoleName, type World } from '../factories/world.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { POLICY_TABLE } from './policy-table.ts';

const ROLE_OF: Record<RoleName, 'buyer' | 'host' | 'admin' | undefined> = {
  anon: undefined,
  guest: 'buyer',
  buyer: 'buyer',
  otherBuyer: 'buyer',
  mod: 'buyer',
  host: 'host',
  otherHost: 'host',
  admin: 'admin',
};

/** Rows a refused request must leave as they were (no half-written state). */
const FINGERPRINT = `select (select count(*) from events) as events, (select count(*) from orders) as orders,
  (select count(*) from reservations where state = 'held') as holds, (select count(*) from show_moderation) as bans,
  (select count(*) from bids) as bids, (select count(*) from giveaway_entries) as entries,
  (select count(*) from products) as products, (select count(*) from sales) as sales,
  (select count(*) from show_faqs) as faqs, (select count(*) from waitlist_entries where state = 'waiting') as waiting`;

describe.each(await storeKinds())('policy matrix (%s)', (kind) => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    // Not started: no consumer or sweeper writes behind a request, so a refusal's 'no change' is exact.
    t = await createTestApp({ store: kind, start: false });
    w = await buildWorld(t);
  });
  afterAll(() => t?.close());

  it('policy - every route of the app has a row in the route × role × ownership table', () => {
    const routes = declaredRoutes(t.fm.app).map((r) => `${r.method} ${r.url}`);
    expect(routes.length).toBeGreaterThan(70);
    expect(routes.filter((r) => !POLICY_TABLE[r])).toEqual([]);
    expect(Object.keys(POLICY_TABLE).filter((k) => !routes.includes(k))).toEqual([]);
  });

  it('policy - every route × every role × own or other’s resource answers as the policy says', async () => {
    const failures: string[] = [];
    for (const route of declaredRoutes(t.fm.app)) {
      const key = `${route.method} ${route.url}`;
      const row = POLICY_TABLE[key];
      if (!row) continue;
      // Refusals first, while every resource is as built; then the roles that may.
      const expectations = ROLE_NAMES.map((role) => {
        const r = ROLE_OF[role];
        const floor = allowsAccess(
          r ? { id: w.actors[role as Exclude<RoleName, 'anon'>].id, role: r } : undefined,
          route.access,
        );
        if (row.always) return { role, status: row.always, allowed: false };
        if (!floor.ok) return { role, status: role === 'anon' ? 401 : 403, allowed: false };
        if (row.owners && !row.owners.includes(role))
          return { role, status: row.refusal ?? 403, allowed: false };
        return { role, status: 0, allowed: true };
      }).sort((a, b) => Number(a.allowed) - Number(b.allowed));
      for (const e of expectations) {
        w.reuse = !e.allowed;
        const req = await row.call(w, e.role);
        await t.fm.services.sandbox.flush();
        const before = await t.testStore.store.query(FINGERPRINT);
        const token = w.token(e.role);
        const res = await t.http(route.method as 'GET', req.url, {
          ...(token ? { token } : {}),
          ...(req.body === undefined ? {} : { body: req.body }),
          ...(req.headers ? { headers: req.headers } : {}),
        });
        const what = `${key} as ${e.role}: ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (res.statusCode >= 500) failures.push(`5xx — ${what}`);
        else if (e.allowed) {
          const refused =
            [401, 403, ...(row.refusal === 404 ? [404] : [])].includes(res.statusCode) &&
            !row.passes?.includes(res.statusCode);
          if (refused) failures.push(`should pass — ${what}`);
        } else {
          if (res.statusCode !== e.status) failures.push(`should be ${e.status} — ${what}`);
          const after = await t.testStore.store.query(FINGERPRINT);
          if (JSON.stringify(after) !== JSON.stringify(before))
            failures.push(`refused but changed state — ${what}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
