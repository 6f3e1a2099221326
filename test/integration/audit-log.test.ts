import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/modules/audit/index.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeSale, makeUser, SHIPPING, uniq } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('audit log (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: Actor;
  let host: Actor;
  const as = async (
    actor: Actor,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    body?: unknown,
    ip = '203.0.113.7',
  ) =>
    t.fm.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: {
        authorization: `Bearer ${actor.token}`,
        // Account changes and refunds need a step-up proof (minted: the second factor is tested in mfa.test.ts).
        ...(method === 'PATCH' || url.endsWith('/refund') ? await stepUpHeaders(t, actor.id) : {}),
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  const audit = async (query = '') => {
    const res = await as(admin, 'GET', `/api/admin/audit${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as any[];
  };

  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2030-03-01T10:00:00Z'));
    t = await createTestApp({ store: kind, clock, start: false });
    admin = await makeUser(t.fm, 'admin');
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  it('audit - role changes and suspensions are recorded with actor, role, target, details and ip', async () => {
    const u = await makeUser(t.fm, 'buyer');
    expect((await as(admin, 'PATCH', `/api/users/${u.id}`, { role: 'host' })).statusCode).toBe(200);
    clock.advance(1_000);
    expect((await as(admin, 'PATCH', `/api/users/${u.id}`, { suspended: true })).statusCode).toBe(200);
    const entries = await audit(`?target=${u.id}`);
    expect(entries.map((e) => e.action)).toEqual(['user.suspended', 'user.role_changed']);
    expect(entries[1]).toMatchObject({
      actorId: admin.id,
      actorRole: 'admin',
      targetType: 'user',
      targetId: u.id,
      details: { from: 'buyer', to: 'host' },
      ip: '203.0.113.7',
      at: '2030-03-01T10:00:00.000Z',
    });
    // Nothing changed, nothing recorded.
    await as(admin, 'PATCH', `/api/users/${u.id}`, { suspended: true });
    expect(await audit(`?target=${u.id}`)).toHaveLength(2);
  });

  it('audit - a password change is recorded, never the password', async () => {
    const email = `${uniq('pw')}@x.dev`;
    const reg = await t.http('POST', '/api/auth/register', {
      body: { email, password: 'first password', name: 'P' },
    });
    const user = { id: reg.json().user.id, token: reg.json().token };
    const res = await as(user, 'POST', '/api/me/password', {
      currentPassword: 'first password',
      newPassword: 'second password',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [entry] = await audit(`?actor=${user.id}&action=user.password_changed`);
    expect(entry).toMatchObject({ actorId: user.id, actorRole: 'buyer', targetId: user.id, details: {} });
    expect(JSON.stringify(entry)).not.toContain('password ');
  });

  it('audit - mutes and bans in a show are recorded with the show', async () => {
    const { show } = await makeShow(t.fm, host);
    const viewer = await makeUser(t.fm, 'buyer');
    for (const action of ['mute', 'ban', 'unban']) {
      const res = await as(host, 'POST', `/api/shows/${show.id}/moderation`, { userId: viewer.id, action });
      expect(res.statusCode, res.body).toBe(204);
    }
    const entries = await audit(`?target=${viewer.id}`);
    expect(entries.map((e) => e.action)).toEqual(['chat.unbanned', 'chat.banned', 'chat.muted']);
    expect(entries[2]).toMatchObject({ actorId: host.id, actorRole: 'host', details: { showId: show.id } });
  });

  it('audit - an order cancelled by an admin is recorded; a refused refund leaves no entry', async () => {
    const buyer = await makeUser(t.fm, 'buyer');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5 }] });
    const claim = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku: sale.items[0]?.sku, quantity: 1, idempotencyKey: uniq('k') },
    });
    const checkout = await t.http('POST', '/api/checkout', {
      token: buyer.token,
      body: {
        reservationIds: [claim.json().reservation.id],
        payment: { method: 'card', token: 'tok_visa' },
        shipping: SHIPPING,
      },
    });
    expect(checkout.statusCode, checkout.body).toBe(201);
    const orderId = checkout.json().id as string;
    // Not captured: refused, and the refusal rolled the entry back with it.
    expect((await as(admin, 'POST', `/api/orders/${orderId}/refund`, {})).statusCode).toBe(409);
    expect(await audit(`?target=${orderId}`)).toEqual([]);
    const cancel = await as(admin, 'POST', `/api/orders/${orderId}/cancel`, { reason: 'duplicate' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await audit(`?target=${orderId}`)).toMatchObject([
      {
        action: 'order.cancelled',
        actorId: admin.id,
        targetType: 'order',
        details: { reason: 'duplicate', as: 'admin', from: 'paid' },
      },
    ]);
  });

  it('audit - filters by action, actor and time; newest first; limited', async () => {
    clock.advance(1_000); // after every earlier entry
    const from = new Date(clock.now()).toISOString();
    const users = [await makeUser(t.fm), await makeUser(t.fm), await makeUser(t.fm)];
    for (const u of users) {
      clock.advance(60_000);
      await as(admin, 'PATCH', `/api/users/${u.id}`, { role: 'host' });
    }
    const since = await audit(`?action=user.role_changed&since=${from}`);
    expect(since.map((e) => e.targetId)).toEqual(users.map((u) => u.id).reverse());
    const until = new Date(clock.now()).toISOString(); // exclusive: the last one is not before it
    expect((await audit(`?since=${from}&until=${until}`)).map((e) => e.targetId)).toEqual(
      users
        .slice(0, 2)
        .map((u) => u.id)
        .reverse(),
    );
    expect(await audit(`?actor=${admin.id}&since=${from}&limit=1`)).toHaveLength(1);
    expect((await as(admin, 'GET', '/api/admin/audit?limit=0')).statusCode).toBe(400);
    expect((await as(admin, 'GET', '/api/admin/audit?action=nope')).statusCode).toBe(400);
    expect((await as(admin, 'GET', '/api/admin/audit?since=yesterday')).statusCode).toBe(400);
  });

  it('audit - only admins read it', async () => {
    expect((await as(host, 'GET', '/api/admin/audit')).json().code).toBe('forbidden');
    expect((await t.http('GET', '/api/admin/audit')).statusCode).toBe(401);
  });

  it('audit - the table is append-only: updates and deletes are refused by the store', async () => {
    expect((await listAudit(t.fm.store, { limit: 1 })).length).toBe(1);
    await expect(t.fm.store.query(`update audit_log set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.fm.store.query('delete from audit_log')).rejects.toThrow(/append-only/);
    expect((await listAudit(t.fm.store, {})).length).toBeGreaterThan(5);
  });
});
