import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Flashmob } from '../../src/app.ts';
import { ACCOUNT_STATE_TTL_MS } from '../../src/modules/auth/account-states.ts';
import { DEFAULT_SCRYPT, hashPassword } from '../../src/modules/auth/passwords.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { type Actor, makeUser, uniq } from '../factories/index.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';
import { createTestApp, TEST_PASSWORD_PARAMS, type TestApp, testConfig } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

const SECRET = 'a-jwt-secret-shared-by-both-nodes-of-this-test';

describe('accounts that can be taken away', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: Actor;
  let base: string;
  const register = async (password = 'first password') => {
    const email = `${uniq('acc')}@x.dev`;
    const res = await t.http('POST', '/api/auth/register', { body: { email, password, name: 'A' } });
    expect(res.statusCode).toBe(201);
    return { id: res.json().user.id as string, token: res.json().token as string, email, password };
  };
  const me = (token: string) => t.http('GET', '/api/me', { token });
  // An account change needs a step-up proof (a second factor shown just now): minted here, since
  // the second factor itself is tested in mfa.test.ts.
  const patch = async (actor: Actor, id: string, body: unknown) =>
    t.http('PATCH', `/api/users/${id}`, {
      token: actor.token,
      body,
      headers: await stepUpHeaders(t, actor.id),
    });

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await createTestApp({ clock, config: { jwtSecret: SECRET, port: 0, host: '127.0.0.1' } });
    base = await t.fm.listen();
    admin = await makeUser(t.fm, 'admin');
  });
  afterAll(() => t.close());

  it("accounts - a demoted admin's very next request on this node is refused", async () => {
    const other = await makeUser(t.fm, 'admin');
    expect((await t.http('GET', '/api/admin/audit', { token: other.token })).statusCode).toBe(200);
    // Asking for what already is changes nothing and revokes nothing.
    expect((await patch(admin, other.id, { role: 'admin', suspended: false })).statusCode).toBe(200);
    expect((await t.http('GET', '/api/admin/audit', { token: other.token })).statusCode).toBe(200);
    const demoted = await patch(admin, other.id, { role: 'buyer' });
    expect([demoted.statusCode, demoted.json().role]).toEqual([200, 'buyer']);
    const next = await t.http('GET', '/api/admin/audit', { token: other.token });
    expect([next.statusCode, next.json().code, next.json().revoked]).toEqual([401, 'invalid_token', true]);
    expect((await me(other.token)).statusCode).toBe(401);
    // Signed in again, they are what they now are.
    const user = await t.fm.services.auth.get(other.id);
    const fresh = await t.fm.services.auth.tokenFor(user!);
    expect((await t.http('GET', '/api/admin/audit', { token: fresh })).json().code).toBe('forbidden');
    expect((await me(fresh)).json().role).toBe('buyer');
  });

  it('accounts - an admin cannot change their own role or suspend themselves', async () => {
    for (const body of [{ role: 'buyer' }, { role: 'admin' }, { suspended: true }]) {
      const res = await patch(admin, admin.id, body);
      expect([res.statusCode, res.json().code]).toEqual([403, 'self_change_forbidden']);
    }
    expect((await me(admin.token)).json().role).toBe('admin');
    expect((await patch(admin, admin.id, {})).statusCode).toBe(400);
  });

  it('accounts - a suspended user is refused with account_suspended, cannot sign in, and can again once restored', async () => {
    const u = await register();
    const suspended = await patch(admin, u.id, { suspended: true });
    expect(suspended.json()).toMatchObject({ id: u.id, suspended: true });
    const refused = await me(u.token);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'account_suspended']);
    const login = await t.http('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
    expect([login.statusCode, login.json().code]).toEqual([403, 'account_suspended']);
    // A wrong password does not learn of the suspension.
    const wrong = await t.http('POST', '/api/auth/login', {
      body: { email: u.email, password: 'not it at all' },
    });
    expect(wrong.json().code).toBe('invalid_credentials');
    expect((await patch(admin, u.id, { suspended: false })).json().suspended).toBe(false);
    // The old token stays revoked; a new sign-in works.
    expect((await me(u.token)).json().code).toBe('invalid_token');
    const back = await t.http('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
    expect((await me(back.json().token)).statusCode).toBe(200);
  });

  it('accounts - a guest (a bot, say) can be suspended too', async () => {
    const g = (await t.http('POST', '/api/auth/guest')).json();
    expect((await patch(admin, g.user.id, { suspended: true })).statusCode).toBe(200);
    expect((await me(g.token)).json().code).toBe('account_suspended');
    expect((await patch(admin, g.user.id, { role: 'host' })).json().code).toBe('forbidden');
    expect((await patch(admin, newId('user'), { suspended: true })).json().code).toBe('not_found');
  });

  it('accounts - a password change revokes every other token and answers a fresh one', async () => {
    const u = await register('old password 1');
    const otherDevice = (
      await t.http('POST', '/api/auth/login', { body: { email: u.email, password: 'old password 1' } })
    ).json().token as string;
    const wrong = await t.http('POST', '/api/me/password', {
      token: u.token,
      body: { currentPassword: 'not my password', newPassword: 'new password 2' },
    });
    expect([wrong.statusCode, wrong.json().code]).toEqual([401, 'invalid_credentials']);
    const short = await t.http('POST', '/api/me/password', {
      token: u.token,
      body: { currentPassword: 'old password 1', newPassword: 'short' },
    });
    expect(short.statusCode).toBe(400);
    const changed = await t.http('POST', '/api/me/password', {
      token: u.token,
      body: { currentPassword: 'old password 1', newPassword: 'new password 2' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().user.id).toBe(u.id);
    for (const old of [u.token, otherDevice]) expect((await me(old)).json().code).toBe('invalid_token');
    expect((await me(changed.json().token)).statusCode).toBe(200);
    const login = (password: string) =>
      t.http('POST', '/api/auth/login', { body: { email: u.email, password } });
    expect((await login('old password 1')).json().code).toBe('invalid_credentials');
    expect((await login('new password 2')).statusCode).toBe(200);
    const guest = (await t.http('POST', '/api/auth/guest')).json();
    const guestChange = await t.http('POST', '/api/me/password', {
      token: guest.token,
      body: { currentPassword: 'anything', newPassword: 'new password 2' },
    });
    expect(guestChange.json().code).toBe('forbidden');
  });

  it('realtime - a suspended user’s sockets close with 4001; a demoted one’s with 4003, and its token is then refused', async () => {
    const buyer = await register();
    const host = await makeUser(t.fm, 'host');
    const buyerSocket = await openSocket(base, { token: buyer.token });
    const hostSocket = await openSocket(base);
    hostSocket.send({ op: 'auth', token: host.token });
    await hostSocket.next((m) => m.op === 'authed');
    const bystander = await openSocket(base, { token: admin.token });

    await patch(admin, buyer.id, { suspended: true });
    expect(await buyerSocket.closed).toEqual({ code: 4001, reason: 'account suspended' });
    await patch(admin, host.id, { role: 'buyer' });
    expect(await hostSocket.closed).toEqual({ code: 4003, reason: 'account changed' });

    const again = await openSocket(base, { token: host.token });
    expect(await again.closed).toEqual({ code: 4001, reason: 'invalid token' });
    const suspendedAgain = await openSocket(base);
    suspendedAgain.send({ op: 'auth', token: buyer.token });
    expect((await suspendedAgain.next((m) => m.op === 'error')).code).toBe('account_suspended');
    suspendedAgain.close();
    bystander.send({ op: 'ping', id: 1 });
    expect((await bystander.next((m) => m.op === 'pong')).id).toBe(1);
    bystander.close();
  });

  it('accounts - another node sharing the store refuses a demoted admin within the account-state window', async () => {
    const nodeB: Flashmob = await buildApp(testConfig({ jwtSecret: SECRET }), {
      store: t.fm.store,
      clock,
      skipMigrations: true,
      passwordParams: TEST_PASSWORD_PARAMS,
    });
    try {
      await nodeB.app.ready();
      const other = await makeUser(t.fm, 'admin');
      const onB = (token: string) =>
        nodeB.app.inject({
          method: 'GET',
          url: '/api/admin/audit',
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await onB(other.token)).statusCode).toBe(200); // node B has its state cached now
      await patch(admin, other.id, { role: 'host' });
      expect((await t.http('GET', '/api/admin/audit', { token: other.token })).statusCode).toBe(401);
      // No bus between these two nodes: node B learns it when its cached state expires.
      expect((await onB(other.token)).statusCode).toBe(200);
      clock.advance(ACCOUNT_STATE_TTL_MS - 1);
      expect((await onB(other.token)).statusCode).toBe(200);
      clock.advance(1);
      const refused = await onB(other.token);
      expect([refused.statusCode, refused.json().code]).toEqual([401, 'invalid_token']);
    } finally {
      await nodeB.close();
    }
  });

  it('realtime - a socket on a node the change notice never reached closes at a heartbeat after the window', async () => {
    const nodeB: Flashmob = await buildApp(
      testConfig({ jwtSecret: SECRET, port: 0, host: '127.0.0.1', wsHeartbeatMs: 100 }),
      { store: t.fm.store, clock, skipMigrations: true, passwordParams: TEST_PASSWORD_PARAMS },
    );
    try {
      const baseB = await nodeB.listen();
      const host = await makeUser(t.fm, 'host');
      const socket = await openSocket(baseB, { token: host.token });
      socket.send({ op: 'ping', id: 'before' });
      await socket.next((m) => m.op === 'pong');
      await patch(admin, host.id, { role: 'buyer' }); // on node A; no bus between A and B
      clock.advance(ACCOUNT_STATE_TTL_MS);
      expect(await socket.closed).toEqual({ code: 4003, reason: 'account changed' });
    } finally {
      await nodeB.close();
    }
  });

  it('passwords - a sign-in rehashes a hash made with weaker parameters, and revokes nothing', async () => {
    const strong = await createTestApp({ deps: { passwordParams: DEFAULT_SCRYPT } });
    try {
      const email = `${uniq('old')}@x.dev`;
      const id = newId('user');
      const weak = await hashPassword('an old password', { N: 2 ** 15, r: 8, p: 1 });
      await strong.fm.store.query(
        `insert into users (id, email, name, password_hash, role) values ($1, $2, 'Old', $3, 'buyer')`,
        [id, email, weak],
      );
      const login = () =>
        strong.http('POST', '/api/auth/login', { body: { email, password: 'an old password' } });
      const first = await login();
      expect(first.statusCode).toBe(200);
      const hashOf = async () =>
        (
          await strong.fm.store.query<{ password_hash: string; token_version: number }>(
            'select password_hash, token_version from users where id = $1',
            [id],
          )
        )[0]!;
      const after = await hashOf();
      expect(after.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect(after.token_version).toBe(0);
      expect((await strong.http('GET', '/api/me', { token: first.json().token })).statusCode).toBe(200);
      expect((await login()).statusCode).toBe(200);
      expect((await hashOf()).password_hash).toBe(after.password_hash); // strong enough: kept
    } finally {
      await strong.close();
    }
  });

  it('accounts - ADMIN_EMAIL held by an account that is not an admin refuses the start', async () => {
    const node = await createTestApp({
      start: false,
      config: { adminEmail: 'taken@flashmob.test', adminPassword: 'admin-password-1' },
    });
    try {
      await node.http('POST', '/api/auth/register', {
        body: { email: 'Taken@flashmob.test', password: 'a stranger 1', name: 'Stranger' },
      });
      await expect(node.fm.start()).rejects.toThrow(
        /ADMIN_EMAIL taken@flashmob\.test belongs to an existing buyer account, not an admin: refusing to start/,
      );
      const [row] = await node.fm.store.query<{ role: string }>('select role from users where email = $1', [
        'taken@flashmob.test',
      ]);
      expect(row?.role).toBe('buyer');
    } finally {
      await node.close();
    }
  });
});
