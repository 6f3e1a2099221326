import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { enrolTotp, totpAt } from '../helpers/step-up.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const STEP = 30_000;

describe.each(await storeKinds())('second factor: TOTP and recovery codes (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    t = await createTestApp({ store: kind, clock, start: false });
  });
  afterAll(() => t?.close());

  const post = (url: string, who: Actor, body?: unknown) =>
    t.http('POST', url, { token: who.token, ...(body === undefined ? {} : { body }) });
  const answer = (res: { statusCode: number; json(): any }) => [res.statusCode, res.json()?.code];

  it('totp - enrol gives a secret and an otpauth URI; it is pending until a code confirms it', async () => {
    const host = await makeUser(t.fm, 'host');
    const res = await post('/api/me/mfa/totp', host);
    expect(res.statusCode).toBe(201);
    const { secret, uri } = res.json();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Flashmob:.*secret=[A-Z2-7]+&issuer=Flashmob$/);
    expect((await t.http('GET', '/api/me/mfa', { token: host.token })).json()).toEqual({
      totp: 'pending',
      recoveryCodesLeft: 0,
      passkeys: 0,
    });
    expect(answer(await post('/api/me/mfa/totp/confirm', host, { code: '000000' }))).toEqual([
      403,
      'invalid_code',
    ]);
    const ok = await post('/api/me/mfa/totp/confirm', host, { code: totpAt(t, secret) });
    expect(ok.statusCode).toBe(200);
    const codes: string[] = ok.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect((await t.http('GET', '/api/me/mfa', { token: host.token })).json()).toMatchObject({
      totp: 'active',
      recoveryCodesLeft: 10,
    });
    // Enrolling again needs the active factor (a step-up), and then answers that TOTP is on.
    expect(answer(await post('/api/me/mfa/totp', host))).toEqual([403, 'step_up_required']);
    const { header, token } = (await post('/api/me/step-up', host, { code: codes[0] })).json();
    const again = await t.http('POST', '/api/me/mfa/totp', {
      token: host.token,
      headers: { [header]: token },
    });
    expect(answer(again)).toEqual([409, 'mfa_already_active']);
  });

  it('totp - a database dump holds neither the secret nor the recovery codes', async () => {
    const admin = await makeUser(t.fm, 'admin');
    const { secret, recoveryCodes } = await enrolTotp(t, admin.token);
    const dump = JSON.stringify(
      await t.fm.store.query(
        `select t.*, (select json_agg(r.*) from user_recovery_codes r where r.user_id = t.user_id) as codes
         from user_totp t where user_id = $1`,
        [admin.id],
      ),
    );
    expect(dump).not.toContain(secret);
    expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
    for (const c of recoveryCodes) {
      expect(dump).not.toContain(c);
      expect(dump).not.toContain(c.replace('-', ''));
    }
  });

  it('totp - a guest cannot enrol (no account to protect)', async () => {
    const { token } = await t.fm.services.auth.guest();
    expect(answer(await t.http('POST', '/api/me/mfa/totp', { token }))).toEqual([403, 'forbidden']);
  });

  it('step-up - a code gives a proof once; the same code again, or one from two steps ago, is refused', async () => {
    const host = await makeUser(t.fm, 'host');
    const { secret } = await enrolTotp(t, host.token);
    clock.advance(STEP);
    const code = totpAt(t, secret);
    const proof = await post('/api/me/step-up', host, { code });
    expect(proof.statusCode).toBe(200);
    expect(proof.json()).toMatchObject({ header: 'flashmob-step-up', token: expect.any(String) });
    expect(answer(await post('/api/me/step-up', host, { code }))).toEqual([403, 'invalid_code']);
    clock.advance(3 * STEP);
    expect(answer(await post('/api/me/step-up', host, { code: totpAt(t, secret, -2 * STEP) }))).toEqual([
      403,
      'invalid_code',
    ]);
    // One step of drift either way is fine (a phone clock a little off).
    expect((await post('/api/me/step-up', host, { code: totpAt(t, secret, -STEP) })).statusCode).toBe(200);
  });

  it('recovery codes - each gives one step-up, typed in any case; then it is spent', async () => {
    const host = await makeUser(t.fm, 'host');
    const { recoveryCodes } = await enrolTotp(t, host.token);
    const [first, second] = recoveryCodes as [string, string];
    expect((await post('/api/me/step-up', host, { code: first.toUpperCase() })).statusCode).toBe(200);
    expect(answer(await post('/api/me/step-up', host, { code: first }))).toEqual([403, 'invalid_code']);
    expect((await post('/api/me/step-up', host, { code: second.replace('-', '') })).statusCode).toBe(200);
    expect((await t.http('GET', '/api/me/mfa', { token: host.token })).json().recoveryCodesLeft).toBe(8);
  });

  it('recovery codes - one user’s code is not another’s', async () => {
    const a = await makeUser(t.fm, 'host');
    const b = await makeUser(t.fm, 'host');
    const { recoveryCodes } = await enrolTotp(t, a.token);
    await enrolTotp(t, b.token);
    expect(answer(await post('/api/me/step-up', b, { code: recoveryCodes[0] }))).toEqual([
      403,
      'invalid_code',
    ]);
  });

  it('totp - disabling takes a fresh code; afterwards step-up answers mfa_not_active', async () => {
    const host = await makeUser(t.fm, 'host');
    const { secret } = await enrolTotp(t, host.token);
    clock.advance(STEP);
    expect(answer(await post('/api/me/mfa/totp/disable', host, { code: '123456' }))).toEqual([
      403,
      'invalid_code',
    ]);
    const res = await post('/api/me/mfa/totp/disable', host, { code: totpAt(t, secret) });
    expect(res.statusCode).toBe(204);
    expect((await t.http('GET', '/api/me/mfa', { token: host.token })).json()).toMatchObject({
      totp: 'off',
      recoveryCodesLeft: 0,
    });
    clock.advance(STEP);
    expect(answer(await post('/api/me/step-up', host, { code: totpAt(t, secret) }))).toEqual([
      409,
      'mfa_not_active',
    ]);
  });
});

describe('second factor: wrong codes are rate limited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock: new ManualClock(), start: false, config: { rateLimitScale: 1 } });
  });
  afterAll(() => t?.close());

  it('rate limit - the sixth code in a minute meets 429, even a right one', async () => {
    const host = await makeUser(t.fm, 'host');
    const { secret } = await enrolTotp(t, host.token);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await t.http('POST', '/api/me/step-up', { token: host.token, body: { code: '000000' } })).statusCode,
      );
    const right = await t.http('POST', '/api/me/step-up', {
      token: host.token,
      body: { code: totpAt(t, secret) },
    });
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    expect([right.statusCode, right.json().code]).toEqual([429, 'rate_limited']);
  });
});
