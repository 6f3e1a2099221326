import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeBuyers, makeUser, SHIPPING } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('giveaways (%s)', (kind) => {
  let t: TestApp;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({ store: kind });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const open = async (durationSeconds = 60) => {
    const { show, skus } = await makeShow(t.fm, host);
    const res = await t.http('POST', `/api/shows/${show.id}/giveaways`, {
      token: host.token,
      body: { sku: skus[0], durationSeconds },
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  };

  it('giveaways - a giveaway draws only among its entrants, gives a free order, and proves it', async () => {
    const g = await open();
    const entrants = await makeBuyers(t.fm, 5);
    const [outsider] = await makeBuyers(t.fm, 1);
    for (const e of entrants)
      expect((await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: e.token })).statusCode).toBe(
        201,
      );
    expect(
      (await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: entrants[0]?.token })).json()
        .alreadyEntered,
    ).toBe(true);
    expect(
      (await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: entrants[0]?.token })).statusCode,
    ).toBe(403);
    const drawn = (await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: host.token })).json();
    expect(entrants.map((e) => e.id)).toContain(drawn.winnerId);
    expect(drawn.entrants).toBe(5);
    const order = await t.fm.services.orders.get(drawn.orderId);
    expect(order).toMatchObject({ buyerId: drawn.winnerId, totalCents: 0, source: 'giveaway' });
    // Paid (nothing to pay), then packed by the pipeline; it waits there for the winner's address.
    expect(['paid', 'packed']).toContain(order?.state);
    const proofIn = (
      await t.http('GET', `/api/giveaways/${g.id}/proof`, { token: entrants[2]?.token })
    ).json();
    expect(proofIn).toMatchObject({ entrantCount: 5, youEntered: true, verified: true });
    expect(proofIn.entrants[proofIn.winnerIndex]).toBe(drawn.winnerId);
    const proofOut = (await t.http('GET', `/api/giveaways/${g.id}/proof`, { token: outsider?.token })).json();
    expect(proofOut.youEntered).toBe(false);
    const closed = (
      await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: outsider?.token })
    ).json();
    expect(closed).toMatchObject({ code: 'giveaway_closed', opensAt: g.opensAt });
    // Closed at the draw, not at the end of the window it was opened with.
    expect(Date.parse(closed.closesAt)).toBeLessThanOrEqual(Date.parse(g.closesAt));
    expect(new Date(Date.parse(closed.closesAt)).toISOString()).toBe(closed.closesAt);
    const ship = await t.http('PUT', `/api/orders/${drawn.orderId}/shipping`, {
      token: entrants.find((e) => e.id === drawn.winnerId)?.token,
      body: SHIPPING,
    });
    expect(ship.json().shipping.city).toBe(SHIPPING.city);
    await expect
      .poll(async () => (await t.fm.services.orders.get(drawn.orderId))?.state, { timeout: 5_000 })
      .toBe('shipped');
  });
});
