import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const RP_ID = 'shop.test';
const ORIGIN = 'https://shop.test';
const BASE = '/api/me/mfa/passkeys';

describe.each(await storeKinds())('second factor: passkeys (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    t = await createTestApp({
      store: kind,
      clock,
      start: false,
      config: { webauthnRpId: RP_ID, webauthnOrigins: [ORIGIN] },
    });
  });
  afterAll(() => t?.close());

  const post = (url: string, who: Actor, body?: unknown) =>
    t.http('POST', url, { token: who.token, ...(body === undefined ? {} : { body }) });
  const answer = (res: { statusCode: number; json(): any }) => [res.statusCode, res.json()?.code];

  async function withPasskey(role: 'buyer' | 'admin' = 'buyer') {
    const who = await makeUser(t.fm, role);
    const key = new SoftAuthenticator(ORIGIN, RP_ID);
    const options = (await post(`${BASE}/register/options`, who)).json();
    expect(options.rp).toEqual({ id: RP_ID, name: 'Flashmob' });
    const res = await post(`${BASE}/register/verify`, who, key.register(options));
    expect(res.statusCode).toBe(201);
    return { who, key };
  }

  it('passkeys - register one, step up with it, and the proof passes a role change', async () => {
    const { who: admin, key } = await withPasskey('admin');
    const buyer = await makeUser(t.fm, 'buyer');
    expect((await t.http('GET', '/api/me/mfa', { token: admin.token })).json().passkeys).toBe(1);
    const refused = await t.http('PATCH', `/api/users/${buyer.id}`, {
      token: admin.token,
      body: { role: 'host' },
    });
    expect(refused.json()).toMatchObject({ code: 'step_up_required', enrol: false });
    const options = (await post(`${BASE}/authenticate/options`, admin)).json();
    expect(options.allowCredentials).toHaveLength(1);
    const proof = await post(`${BASE}/authenticate/verify`, admin, key.authenticate(options));
    expect(proof.statusCode).toBe(200);
    const { header, token } = proof.json();
    const res = await t.http('PATCH', `/api/users/${buyer.id}`, {
      token: admin.token,
      headers: { [header]: token },
      body: { role: 'host' },
    });
    expect(res.json().role).toBe('host');
  });

  it('passkeys - a replayed answer, one for another site, or one after five minutes is rejected', async () => {
    const { who, key } = await withPasskey();
    const options = (await post(`${BASE}/authenticate/options`, who)).json();
    const signed = key.authenticate(options);
    expect((await post(`${BASE}/authenticate/verify`, who, signed)).statusCode).toBe(200);
    expect(answer(await post(`${BASE}/authenticate/verify`, who, signed))).toEqual([422, 'passkey_rejected']);

    // The right key, signing for a look-alike site the user was lured to.
    const again = (await post(`${BASE}/authenticate/options`, who)).json();
    const forged = key.authenticate(again, { origin: 'https://shop.test.evil.example' });
    expect(answer(await post(`${BASE}/authenticate/verify`, who, forged))).toEqual([422, 'passkey_rejected']);
    // …while the same key on the right site still works.
    const fine = (await post(`${BASE}/authenticate/options`, who)).json();
    expect((await post(`${BASE}/authenticate/verify`, who, key.authenticate(fine))).statusCode).toBe(200);

    const late = (await post(`${BASE}/authenticate/options`, who)).json();
    clock.advance(5 * 60_000);
    expect(answer(await post(`${BASE}/authenticate/verify`, who, key.authenticate(late)))).toEqual([
      422,
      'passkey_rejected',
    ]);
  });

  it('passkeys - another account’s passkey does not step up this one', async () => {
    const { key } = await withPasskey();
    const { who: other } = await withPasskey();
    const options = (await post(`${BASE}/authenticate/options`, other)).json();
    expect(answer(await post(`${BASE}/authenticate/verify`, other, key.authenticate(options)))).toEqual([
      422,
      'passkey_rejected',
    ]);
  });

  it('passkeys - with one, adding a further factor needs it (a stolen session cannot add its own)', async () => {
    const { who, key } = await withPasskey();
    expect(answer(await post(`${BASE}/register/options`, who))).toEqual([403, 'step_up_required']);
    expect(answer(await post('/api/me/mfa/totp', who))).toEqual([403, 'step_up_required']);
    const options = (await post(`${BASE}/authenticate/options`, who)).json();
    const { header, token } = (
      await post(`${BASE}/authenticate/verify`, who, key.authenticate(options))
    ).json();
    const res = await t.http('POST', `${BASE}/register/options`, {
      token: who.token,
      headers: { [header]: token },
    });
    expect(res.statusCode).toBe(200);
  });

  it('passkeys - a guest cannot add one; an account without one has nothing to step up with', async () => {
    const { user, token } = await t.fm.services.auth.guest();
    expect(answer(await post(`${BASE}/register/options`, { id: user.id, token }))).toEqual([
      403,
      'forbidden',
    ]);
    const buyer = await makeUser(t.fm, 'buyer');
    expect(answer(await post(`${BASE}/authenticate/options`, buyer))).toEqual([409, 'mfa_not_active']);
  });
});
