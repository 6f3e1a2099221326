import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeSale, makeUser, SHIPPING } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { enrolTotp, totpAt } from '../helpers/step-up.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const STEP = 30_000;
const THRESHOLD = 100_000;

describe.each(await storeKinds())('step-up for sensitive actions (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let host: Actor;
  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    t = await createTestApp({ store: kind, clock, start: false, config: { stepUpOrderCents: THRESHOLD } });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t?.close());

  const problem = (res: { statusCode: number; json(): any }) => {
    const { code, enrol, register } = res.json();
    return { status: res.statusCode, code, enrol, register };
  };
  /** A step-up proof through the API, with the user's current TOTP. */
  async function proofFor(who: Actor, secret: string): Promise<Record<string, string>> {
    clock.advance(STEP); // a fresh time step: each code is accepted once
    const res = await t.http('POST', '/api/me/step-up', {
      token: who.token,
      body: { code: totpAt(t, secret) },
    });
    expect(res.statusCode).toBe(200);
    const { header, token } = res.json();
    return { [header]: token };
  }
  async function holding(buyer: Actor, priceCents: number): Promise<string> {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5, priceCents }] });
    const sku = sale.items[0]?.sku as string;
    const r = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku, quantity: 1, idempotencyKey: `k-${sku}` },
    });
    expect(r.statusCode).toBe(201);
    return r.json().reservation.id;
  }
  const checkout = (buyer: Actor, reservationId: string, headers: Record<string, string> = {}) =>
    t.http('POST', '/api/checkout', {
      token: buyer.token,
      headers,
      body: {
        reservationIds: [reservationId],
        payment: { method: 'card', token: 'tok_visa' },
        shipping: SHIPPING,
      },
    });

  it('step-up - an admin without a second factor is told to enrol before a role change', async () => {
    const admin = await makeUser(t.fm, 'admin');
    const buyer = await makeUser(t.fm, 'buyer');
    const res = await t.http('PATCH', `/api/users/${buyer.id}`, {
      token: admin.token,
      body: { role: 'host' },
    });
    expect(problem(res)).toMatchObject({ status: 403, code: 'step_up_required', enrol: true });
    expect((await t.fm.services.auth.get(buyer.id))?.role).toBe('buyer');
  });

  it('step-up - a role change passes with a fresh proof, and not five minutes later', async () => {
    const admin = await makeUser(t.fm, 'admin');
    const buyer = await makeUser(t.fm, 'buyer');
    const { secret } = await enrolTotp(t, admin.token);
    const patch = (headers: Record<string, string>, role: string) =>
      t.http('PATCH', `/api/users/${buyer.id}`, { token: admin.token, headers, body: { role } });
    expect(problem(await patch({}, 'host'))).toMatchObject({ code: 'step_up_required', enrol: false });
    const headers = await proofFor(admin, secret);
    expect((await patch(headers, 'host')).json().role).toBe('host');
    clock.advance(4 * 60_000);
    expect((await patch(headers, 'buyer')).json().role).toBe('buyer');
    clock.advance(60_000);
    expect(problem(await patch(headers, 'host'))).toMatchObject({ status: 403, code: 'step_up_required' });
    expect((await t.fm.services.auth.get(buyer.id))?.role).toBe('buyer');
  });

  it('step-up - one admin’s proof does not count for another, nor does a forged one', async () => {
    const a = await makeUser(t.fm, 'admin');
    const b = await makeUser(t.fm, 'admin');
    const buyer = await makeUser(t.fm, 'buyer');
    const { secret } = await enrolTotp(t, a.token);
    await enrolTotp(t, b.token);
    const headers = await proofFor(a, secret);
    const asB = await t.http('PATCH', `/api/users/${buyer.id}`, {
      token: b.token,
      headers,
      body: { role: 'host' },
    });
    expect(problem(asB)).toMatchObject({ code: 'step_up_required', enrol: false });
    const [name, token] = Object.entries(headers)[0] as [string, string];
    const forged = { [name]: `${token.slice(0, -4)}AAAA` };
    const res = await t.http('PATCH', `/api/users/${buyer.id}`, {
      token: a.token,
      headers: forged,
      body: { role: 'host' },
    });
    expect(problem(res).code).toBe('step_up_required');
  });

  it('step-up - a refund needs a proof before the order is even looked at', async () => {
    const admin = await makeUser(t.fm, 'admin');
    const { secret } = await enrolTotp(t, admin.token);
    const url = `/api/orders/ord_${'0'.repeat(16)}/refund`;
    expect(problem(await t.http('POST', url, { token: admin.token, body: {} })).code).toBe(
      'step_up_required',
    );
    const headers = await proofFor(admin, secret);
    expect(problem(await t.http('POST', url, { token: admin.token, headers, body: {} })).code).toBe(
      'not_found',
    );
  });

  it('step-up - an order below STEP_UP_ORDER_CENTS needs none', async () => {
    const buyer = await makeUser(t.fm, 'buyer');
    const res = await checkout(buyer, await holding(buyer, THRESHOLD - 1));
    expect(res.statusCode).toBe(201);
  });

  it('step-up - a buyer without a factor is told to enrol for a large order; with one it goes through', async () => {
    const buyer = await makeUser(t.fm, 'buyer');
    const reservationId = await holding(buyer, THRESHOLD);
    const refused = await checkout(buyer, reservationId);
    expect(problem(refused)).toMatchObject({ status: 403, code: 'step_up_required', enrol: true });
    const [{ n }] = (await t.fm.store.query('select count(*)::int as n from orders where buyer_id = $1', [
      buyer.id,
    ])) as [{ n: number }];
    expect(n).toBe(0);
    const { secret } = await enrolTotp(t, buyer.token);
    expect(problem(await checkout(buyer, reservationId))).toMatchObject({ enrol: false });
    const res = await checkout(buyer, reservationId, await proofFor(buyer, secret));
    expect([res.statusCode, res.json().totalCents]).toEqual([201, THRESHOLD]);
  });

  it('step-up - a guest is told to register before a large order', async () => {
    const { user, token } = await t.fm.services.auth.guest();
    const guest = { id: user.id, token };
    const res = await checkout(guest, await holding(guest, 2 * THRESHOLD));
    expect(problem(res)).toEqual({ status: 403, code: 'step_up_required', enrol: true, register: true });
  });
});
