import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeUser, uniq } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('accounts, catalog and sales over HTTP (%s)', (kind) => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await createTestApp({
      store: kind,
      config: { adminEmail: 'root@flashmob.test', adminPassword: 'root-password-1' },
    });
    const login = await t.http('POST', '/api/auth/login', {
      body: { email: 'root@flashmob.test', password: 'root-password-1' },
    });
    admin = { id: login.json().user.id, token: login.json().token };
  });
  afterAll(() => t.close());

  it('accounts - the admin from ADMIN_EMAIL/ADMIN_PASSWORD exists at start', async () => {
    const me = await t.http('GET', '/api/me', { token: admin.token });
    expect(me.json()).toMatchObject({ email: 'root@flashmob.test', role: 'admin', guest: false });
  });

  it('accounts - register, login, me; a wrong password and a taken email are refused', async () => {
    const email = `${uniq('a')}@x.dev`;
    const reg = await t.http('POST', '/api/auth/register', {
      body: { email, password: 'correct horse', name: 'Ann' },
    });
    expect(reg.statusCode).toBe(201);
    expect(reg.json().user).toMatchObject({ email, role: 'buyer', name: 'Ann' });
    const [row] = await t.fm.store.query<{ password_hash: string }>(
      'select password_hash from users where email = $1',
      [email],
    );
    expect(row?.password_hash).toMatch(/^scrypt\$/);
    expect(row?.password_hash).not.toContain('correct horse');
    const again = await t.http('POST', '/api/auth/register', {
      body: { email: email.toUpperCase(), password: 'whatever1', name: 'B' },
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'email_taken']);
    const bad = await t.http('POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
    expect([bad.statusCode, bad.json().code]).toEqual([401, 'invalid_credentials']);
    const unknown = await t.http('POST', '/api/auth/login', {
      body: { email: 'nobody@x.dev', password: 'wrong password' },
    });
    expect(unknown.json().code).toBe('invalid_credentials');
    const ok = await t.http('POST', '/api/auth/login', { body: { email, password: 'correct horse' } });
    expect((await t.http('GET', '/api/me', { token: ok.json().token })).json().email).toBe(email);
  });

  it('accounts - one email registered four times at once (in any case): one account, the others 409 email_taken', async () => {
    const email = `${uniq('race')}@x.dev`;
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        t.http('POST', '/api/auth/register', {
          body: { email: i % 2 ? email.toUpperCase() : email, password: 'correct horse', name: `R${i}` },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409]);
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().code).toBe('email_taken');
    const [row] = await t.fm.store.query<{ n: number }>(
      'select count(*)::int as n from users where lower(email) = lower($1)',
      [email],
    );
    expect(row?.n).toBe(1);
  });

  it('catalog - one SKU created by four hosts at once: one product, the others 409 sku_taken', async () => {
    const sku = uniq('RACE-');
    const hosts = await Promise.all([1, 2, 3, 4].map(() => makeUser(t.fm, 'host')));
    const answers = await Promise.all(
      hosts.map((h) =>
        t.http('POST', '/api/products', {
          token: h.token,
          body: {
            title: 'Racing shoe',
            variants: [{ sku, title: 'One', priceCents: 1_000, currency: 'USD' }],
          },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409]);
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().code).toBe('sku_taken');
    const [row] = await t.fm.store.query<{ n: number }>(
      'select count(*)::int as n from variants where sku = $1',
      [sku],
    );
    expect(row?.n).toBe(1);
  });

  it('accounts - a guest is a buyer without an account', async () => {
    const g = await t.http('POST', '/api/auth/guest');
    expect(g.statusCode).toBe(201);
    const me = (await t.http('GET', '/api/me', { token: g.json().token })).json();
    expect(me).toMatchObject({ role: 'buyer', guest: true, email: null });
  });

  it('accounts - an admin makes a user a host; the new role is in their next token', async () => {
    const u = await makeUser(t.fm, 'buyer');
    const refused = await t.http('POST', '/api/products', {
      token: u.token,
      body: { title: 'x', variants: [{ sku: uniq('S'), title: 'x', priceCents: 1, currency: 'USD' }] },
    });
    expect(refused.statusCode).toBe(403);
    const unproven = await t.http('PATCH', `/api/users/${u.id}`, {
      token: admin.token,
      body: { role: 'host' },
    });
    expect(unproven.json().code).toBe('step_up_required');
    const patched = await t.http('PATCH', `/api/users/${u.id}`, {
      token: admin.token,
      headers: await stepUpHeaders(t, admin.id),
      body: { role: 'host' },
    });
    expect(patched.json().role).toBe('host');
    const user = await t.fm.services.auth.get(u.id);
    const token = await t.fm.services.auth.tokenFor(user as never);
    const created = await t.http('POST', '/api/products', {
      token,
      body: { title: 'x', variants: [{ sku: uniq('S'), title: 'x', priceCents: 1, currency: 'USD' }] },
    });
    expect(created.statusCode).toBe(201);
    const bad = await t.http('PATCH', `/api/users/${u.id}`, { token: admin.token, body: { role: 'god' } });
    expect(bad.statusCode).toBe(400);
  });

  it('catalog - products with variants, hashtags normalised, filtered by tag; SKUs are unique', async () => {
    const host = await makeUser(t.fm, 'host');
    const sku = uniq('TEE-');
    const res = await t.http('POST', '/api/products', {
      token: host.token,
      body: {
        title: 'Tee',
        description: 'Soft',
        imageUrl: 'https://img.example/tee.png',
        hashtags: ['#Summer', 'cotton'],
        variants: [
          { sku: `${sku}-S`, title: 'S', priceCents: 1_999, currency: 'EUR' },
          { sku: `${sku}-M`, title: 'M', priceCents: 1_999, currency: 'EUR' },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().hashtags).toEqual(['summer', 'cotton']);
    expect(res.json().variants).toHaveLength(2);
    const byTag = (await t.http('GET', '/api/products?tag=%23summer')).json();
    expect(byTag.map((p: any) => p.id)).toContain(res.json().id);
    expect((await t.http('GET', '/api/products?tag=winter')).json().map((p: any) => p.id)).not.toContain(
      res.json().id,
    );
    const dup = await t.http('POST', '/api/products', {
      token: host.token,
      body: { title: 'Dup', variants: [{ sku: `${sku}-S`, title: 'S', priceCents: 1, currency: 'EUR' }] },
    });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'sku_taken']);
    const price = await t.http('PATCH', `/api/products/${res.json().id}`, {
      token: host.token,
      body: { title: 'Tee 2', variants: [{ sku: `${sku}-M`, priceCents: 2_499 }] },
    });
    expect(price.json().variants.find((v: any) => v.sku === `${sku}-M`).priceCents).toBe(2_499);
    const other = await makeUser(t.fm, 'host');
    expect(
      (
        await t.http('PATCH', `/api/products/${res.json().id}`, {
          token: other.token,
          body: { title: 'mine' },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('sales - status follows the clock; lists filter by status and tag and carry the server time', async () => {
    const host = await makeUser(t.fm, 'host');
    const sku = uniq('DROP-');
    await t.http('POST', '/api/products', {
      token: host.token,
      body: { title: 'Drop', variants: [{ sku, title: 'x', priceCents: 5_000, currency: 'USD' }] },
    });
    const now = Date.now();
    const mk = async (startsAt: number, endsAt: number, tag: string) =>
      (
        await t.http('POST', '/api/sales', {
          token: host.token,
          body: {
            title: tag,
            startsAt: new Date(startsAt).toISOString(),
            endsAt: new Date(endsAt).toISOString(),
            hashtags: [tag],
            holdSeconds: 60,
            items: [{ sku, stock: 3, perBuyerLimit: 1, priceCents: 3_000 }],
          },
        })
      ).json();
    const live = await mk(now - 1_000, now + 60_000, 'livetag');
    const upcoming = await mk(now + 60_000, now + 120_000, 'uptag');
    const ended = await mk(now - 120_000, now - 60_000, 'endtag');
    expect([live.status, upcoming.status, ended.status]).toEqual(['live', 'scheduled', 'ended']);
    expect(live.items[0]).toMatchObject({ sku, priceCents: 3_000, stock: 3, remaining: 3, perBuyerLimit: 1 });
    const ids = async (q: string) => (await t.http('GET', `/api/sales?${q}`)).json().map((s: any) => s.id);
    expect(await ids('status=live')).toContain(live.id);
    expect(await ids('status=live')).not.toContain(upcoming.id);
    expect(await ids('status=upcoming')).toEqual(expect.arrayContaining([upcoming.id]));
    expect(await ids('status=ended')).toContain(ended.id);
    expect(await ids('tag=uptag')).toEqual([upcoming.id]);
    const one = (await t.http('GET', `/api/sales/${live.id}`)).json();
    expect(Math.abs(Date.parse(one.serverTime) - Date.now())).toBeLessThan(5_000);
    expect(
      (await t.http('GET', '/api/sales')).json().every((s: any) => typeof s.serverTime === 'string'),
    ).toBe(true);
  });

  it('ops - health, readiness, server time and OpenAPI docs', async () => {
    expect((await t.http('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.http('GET', '/readyz')).json().status).toBe('ready');
    expect((await t.http('GET', '/api/time')).json()).toHaveProperty('epochMs');
    const spec = (await t.http('GET', '/docs/json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/sales/{id}/claims', '/api/checkout', '/api/me']),
    );
    expect((await t.http('GET', '/docs')).statusCode).toBeLessThan(400);
  });
});
