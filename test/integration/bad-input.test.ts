import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** Bad input gets a 4xx problem+json with a stable code, never a 5xx, and changes nothing. */
describe.each(await storeKinds())('bad input (%s)', (kind) => {
  let t: TestApp;
  let buyer: Actor;
  let host: Actor;
  let saleId: string;
  let sku: string;
  const snapshot = async () =>
    t.fm.store.query<{ n: number; remaining: number; events: number }>(
      `select (select count(*)::int from reservations) as n,
              (select sum(remaining)::int from sale_items) as remaining,
              (select count(*)::int from events) as events`,
    );

  beforeAll(async () => {
    t = await createTestApp({ store: kind });
    host = await makeUser(t.fm, 'host');
    buyer = await makeUser(t.fm, 'buyer');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5, perBuyerLimit: 2 }] });
    saleId = sale.id;
    sku = sale.items[0]?.sku as string;
  });
  afterAll(() => t.close());

  const claim = (body: unknown, opts: { token?: string; headers?: Record<string, string> } = {}) =>
    t.http('POST', `/api/sales/${saleId}/claims`, {
      token: opts.token ?? buyer.token,
      body,
      ...(opts.headers ? { headers: opts.headers } : {}),
    });

  const cases: Array<
    [
      string,
      () => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): any }>,
      number,
      string,
    ]
  > = [
    [
      'quantity as a string',
      () => claim({ sku: 'x', quantity: '1', idempotencyKey: 'k' }),
      400,
      'validation_failed',
    ],
    ['zero quantity', () => claim({ sku: 'x', quantity: 0, idempotencyKey: 'k' }), 400, 'validation_failed'],
    [
      'negative quantity',
      () => claim({ sku: 'x', quantity: -3, idempotencyKey: 'k' }),
      400,
      'validation_failed',
    ],
    [
      'fractional quantity',
      () => claim({ sku: 'x', quantity: 1.5, idempotencyKey: 'k' }),
      400,
      'validation_failed',
    ],
    [
      'huge quantity',
      () => claim({ sku: 'x', quantity: 1e12, idempotencyKey: 'k' }),
      400,
      'validation_failed',
    ],
    ['missing idempotency key', () => claim({ sku: 'x', quantity: 1 }), 400, 'validation_failed'],
    [
      'numeric idempotency key',
      () => claim({ sku: 'x', quantity: 1, idempotencyKey: 7 }),
      400,
      'validation_failed',
    ],
    [
      'empty idempotency key',
      () => claim({ sku: 'x', quantity: 1, idempotencyKey: '' }),
      400,
      'validation_failed',
    ],
    [
      'unknown key in the body',
      () => claim({ sku: 'x', quantity: 1, idempotencyKey: 'k', price: 0 }),
      400,
      'validation_failed',
    ],
    ['array body', () => claim([1, 2]), 400, 'validation_failed'],
    [
      'malformed JSON',
      () => claim('{"sku": "x", "quantity": 1,', { headers: { 'content-type': 'application/json' } }),
      400,
      'malformed_json',
    ],
    [
      'a 2 MB body',
      () =>
        claim(JSON.stringify({ sku: 'x'.repeat(2 * 1024 * 1024), quantity: 1, idempotencyKey: 'k' }), {
          headers: { 'content-type': 'application/json' },
        }),
      413,
      'body_too_large',
    ],
    [
      'text/plain body',
      () => claim('hello', { headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    ],
    [
      'no token',
      () =>
        t.http('POST', `/api/sales/${saleId}/claims`, {
          body: { sku: 'x', quantity: 1, idempotencyKey: 'k' },
        }),
      401,
      'unauthenticated',
    ],
    [
      'a garbage token',
      () => claim({ sku: 'x', quantity: 1, idempotencyKey: 'k' }, { token: 'not.a.jwt' }),
      401,
      'invalid_token',
    ],
    [
      'a malformed Authorization header',
      () =>
        t.http('POST', `/api/sales/${saleId}/claims`, {
          body: { sku: 'x', quantity: 1, idempotencyKey: 'k' },
          headers: { authorization: 'Basic abc' },
        }),
      401,
      'invalid_token',
    ],
    [
      'a bad sale id',
      () =>
        t.http('POST', '/api/sales/nope/claims', {
          token: buyer.token,
          body: { sku: 'x', quantity: 1, idempotencyKey: 'k' },
        }),
      400,
      'validation_failed',
    ],
    [
      'an unknown sale',
      () =>
        t.http('POST', '/api/sales/sal_0000000000000000/claims', {
          token: buyer.token,
          body: { sku: 'x', quantity: 1, idempotencyKey: 'k' },
        }),
      404,
      'not_found',
    ],
    [
      'a buyer calling a host route',
      () =>
        t.http('POST', '/api/products', {
          token: buyer.token,
          body: { title: 'x', variants: [{ sku: 'S1', title: 'x', priceCents: 1, currency: 'USD' }] },
        }),
      403,
      'forbidden',
    ],
    [
      'a host calling an admin route',
      () => t.http('PATCH', `/api/users/${buyer.id}`, { token: host.token, body: { role: 'host' } }),
      403,
      'forbidden',
    ],
    ['an unknown route', () => t.http('GET', '/api/nothing-here'), 404, 'not_found'],
    ['a bad query parameter', () => t.http('GET', '/api/sales?status=soon'), 400, 'validation_failed'],
    [
      'a sale ending before it starts',
      () =>
        t.http('POST', '/api/sales', {
          token: host.token,
          body: {
            title: 'x',
            startsAt: '2030-01-02T00:00:00Z',
            endsAt: '2030-01-01T00:00:00Z',
            items: [{ sku, stock: 1, perBuyerLimit: 1 }],
          },
        }),
      422,
      'invalid_sale',
    ],
    [
      'a sale of an unknown SKU',
      () =>
        t.http('POST', '/api/sales', {
          token: host.token,
          body: {
            title: 'x',
            startsAt: '2030-01-01T00:00:00Z',
            endsAt: '2030-01-02T00:00:00Z',
            items: [{ sku: 'NOPE', stock: 1, perBuyerLimit: 1 }],
          },
        }),
      422,
      'unknown_sku',
    ],
    [
      'checkout of somebody else’s hold',
      () =>
        t.http('POST', '/api/checkout', {
          token: buyer.token,
          body: {
            reservationIds: ['res_0000000000000000'],
            payment: { method: 'card', token: 'tok_visa' },
            shipping: { name: 'a', line1: 'b', city: 'c', postalCode: '1', country: 'US' },
          },
        }),
      409,
      'reservation_unavailable',
    ],
    [
      'checkout with an unknown payment method',
      () =>
        t.http('POST', '/api/checkout', {
          token: buyer.token,
          body: {
            reservationIds: ['res_0000000000000000'],
            payment: { method: 'cash', token: 'x' },
            shipping: { name: 'a', line1: 'b', city: 'c', postalCode: '1', country: 'US' },
          },
        }),
      400,
      'validation_failed',
    ],
  ];

  it.each(cases)('bad input - %s', async (_name, run, status, code) => {
    const before = await snapshot();
    const res = await run();
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.code).toBe(code);
    expect(body.status).toBe(status);
    expect(typeof body.title).toBe('string');
    expect(await snapshot()).toEqual(before);
  });

  it('bad input - a POST without a body is an empty object: required fields are named, optional-only routes accept it', async () => {
    const res = await t.fm.app.inject({
      method: 'POST',
      url: `/api/sales/${saleId}/claims`,
      headers: { authorization: `Bearer ${buyer.token}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(JSON.stringify(res.json().errors)).toContain('sku');
    const queued = await makeSale(t.fm, host, {
      items: [{ stock: 1 }],
      waitingRoom: { admitPerMinute: 60, maxActive: 10, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const join = await t.fm.app.inject({
      method: 'POST',
      url: `/api/sales/${queued.id}/queue`,
      headers: { authorization: `Bearer ${buyer.token}` },
    });
    expect(join.statusCode).toBe(201);
    expect(join.json().state).toBe('waiting');
  });

  it('bad input - unknown SKU on a real sale is 422 unknown_sku', async () => {
    const res = await claim({ sku: 'NOT-THERE', quantity: 1, idempotencyKey: 'u1' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('unknown_sku');
  });

  it('bad input - a token signed with another key is refused', async () => {
    const forged = await new SignJWT({ role: 'admin', guest: false })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(buyer.id)
      .setIssuer('flashmob')
      .setAudience('flashmob-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(48)));
    const res = await t.http('PATCH', `/api/users/${buyer.id}`, { token: forged, body: { role: 'admin' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_token');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: buyer.id, role: 'admin' })).toString('base64url')}.`;
    const res2 = await t.http('GET', '/api/me', { token: unsigned });
    expect(res2.statusCode).toBe(401);
  });

  it('bad input - claims outside the sale window are refused with not_started and ended', async () => {
    const now = t.fm.clock.now();
    const later = await makeSale(t.fm, host, {
      items: [{ stock: 5 }],
      startsAt: now + 60_000,
      endsAt: now + 120_000,
    });
    const r1 = await t.http('POST', `/api/sales/${later.id}/claims`, {
      token: buyer.token,
      body: { sku: later.items[0]?.sku, quantity: 1, idempotencyKey: 'w1' },
    });
    expect([r1.statusCode, r1.json().code]).toEqual([409, 'not_started']);
    const over = await makeSale(t.fm, host, {
      items: [{ stock: 5 }],
      startsAt: now - 120_000,
      endsAt: now - 60_000,
    });
    const r2 = await t.http('POST', `/api/sales/${over.id}/claims`, {
      token: buyer.token,
      body: { sku: over.items[0]?.sku, quantity: 1, idempotencyKey: 'w2' },
    });
    expect([r2.statusCode, r2.json().code]).toEqual([410, 'ended']);
  });
});
