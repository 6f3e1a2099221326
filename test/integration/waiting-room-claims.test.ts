import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdmissionTokens } from '../../src/modules/waiting-room/admission-tokens.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { SkippingClock } from '../helpers/clock.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The claim endpoint of a sale with a waiting room: only a valid admission of this buyer lets a
 * claim through, and the host (not buyers) sees and steers the queue over HTTP. The waiting room
 * service itself, on a controllable clock, is in waiting-room.test.ts.
 */
describe.each(await storeKinds())('the claim endpoint behind a waiting room (%s)', (storeKind) => {
  let t: TestApp;
  let host: Actor;
  const clock = new SkippingClock();
  beforeAll(async () => {
    t = await createTestApp({ store: storeKind, clock });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  it('waiting room - claims without, with an expired, a tampered or another buyer’s admission are 403 not_admitted', async () => {
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10, perBuyerLimit: 2 }],
      waitingRoom: { admitPerMinute: 6_000, maxActive: 100, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const sku = sale.items[0]?.sku as string;
    const [a, b] = await makeBuyers(t.fm, 2);
    const claim = (who: Actor, key: string, admission?: string) =>
      t.http('POST', `/api/sales/${sale.id}/claims`, {
        token: who.token,
        body: { sku, quantity: 1, idempotencyKey: key },
        ...(admission ? { headers: { 'flashmob-admission': admission } } : {}),
      });
    const none = await claim(a as Actor, 'k0');
    expect([none.statusCode, none.json().code]).toEqual([403, 'not_admitted']);

    const joined = await t.http('POST', `/api/sales/${sale.id}/queue`, { token: a?.token, body: {} });
    expect(joined.statusCode).toBe(201);
    expect(
      (await t.http('POST', `/api/sales/${sale.id}/queue`, { token: a?.token, body: {} })).json().ticket,
    ).toBe(joined.json().ticket);
    await t.fm.services.waitingRoom.tickAll();
    clock.advance(50); // the pacer's credit for the first admission
    await t.fm.services.waitingRoom.tickAll();
    const status = (
      await t.http('GET', `/api/sales/${sale.id}/queue/${joined.json().ticket}`, { token: a?.token })
    ).json();
    expect(status.position).toBe(0);
    const token = status.admissionToken as string;

    expect((await claim(a as Actor, 'k1', token)).statusCode).toBe(201);
    const tampered = `${token.slice(0, -3)}${token.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
    expect((await claim(a as Actor, 'k2', tampered)).json().code).toBe('not_admitted');
    expect((await claim(b as Actor, 'k3', token)).json().code).toBe('not_admitted'); // another buyer's token
    const expired = await new AdmissionTokens(t.fm.services.tokens.secretKey).sign({
      buyerId: a?.id as string,
      saleId: sale.id,
      ticketId: joined.json().ticket,
      admittedAt: Date.now() - 120_000,
      expiresAt: Date.now() - 60_000,
    });
    expect((await claim(a as Actor, 'k4', expired)).json().code).toBe('not_admitted');
    const other = await makeSale(t.fm, host, {
      items: [{ stock: 1 }],
      waitingRoom: { admitPerMinute: 60, maxActive: 1, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const wrongSale = await t.http('POST', `/api/sales/${other.id}/claims`, {
      token: a?.token,
      body: { sku: other.items[0]?.sku, quantity: 1, idempotencyKey: 'k5' },
      headers: { 'flashmob-admission': token },
    });
    expect(wrongSale.json().code).toBe('not_admitted');

    // Leaving gives the turn back: the admission stops working at once.
    const left = await t.http('DELETE', `/api/sales/${sale.id}/queue/${joined.json().ticket}`, {
      token: a?.token,
    });
    expect(left.json().state).toBe('left');
    expect((await claim(a as Actor, 'k6', token)).json().code).toBe('not_admitted');
  });

  it('waiting room - the host sees the queue and steers it; buyers may not', async () => {
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10 }],
      waitingRoom: { admitPerMinute: 30, maxActive: 5, opensBeforeSeconds: 60, admissionTtlSeconds: 60 },
    });
    const buyers = await makeBuyers(t.fm, 3);
    for (const b of buyers) await t.http('POST', `/api/sales/${sale.id}/queue`, { token: b.token, body: {} });
    const view = await t.http('GET', `/api/sales/${sale.id}/queue`, { token: host.token });
    expect(view.json()).toMatchObject({ length: 3, maxActive: 5, admitPerMinute: 30, paused: false });
    const patched = await t.http('PATCH', `/api/sales/${sale.id}/queue`, {
      token: host.token,
      body: { paused: true, admitPerMinute: 90 },
    });
    expect(patched.json()).toMatchObject({ paused: true, admitPerMinute: 90 });
    expect((await t.http('GET', `/api/sales/${sale.id}/queue`, { token: buyers[0]?.token })).statusCode).toBe(
      403,
    );
    const otherHost = await makeUser(t.fm, 'host');
    expect(
      (
        await t.http('PATCH', `/api/sales/${sale.id}/queue`, {
          token: otherHost.token,
          body: { paused: false },
        })
      ).statusCode,
    ).toBe(403);
    const bad = await t.http('PATCH', `/api/sales/${sale.id}/queue`, {
      token: host.token,
      body: { admitPerMinute: -1 },
    });
    expect(bad.statusCode).toBe(400);
    const noQueue = await makeSale(t.fm, host, { items: [{ stock: 1 }] });
    expect(
      (await t.http('POST', `/api/sales/${noQueue.id}/queue`, { token: buyers[0]?.token, body: {} })).json()
        .code,
    ).toBe('no_waiting_room');
  });
});
