import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeSale, SHIPPING, uniq } from '../factories/index.ts';
import { buildWorld, type World } from '../factories/world.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** The ownership rules an attacker would try first, each as its own request (see domain/policy.ts). */
describe.each(await storeKinds())('policy - ownership (%s)', (kind) => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await createTestApp({ store: kind, start: false });
    w = await buildWorld(t);
  });
  afterAll(() => t?.close());

  const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, who: Actor, body?: unknown) => {
    const res = await t.http(method, url, { token: who.token, ...(body === undefined ? {} : { body }) });
    return [res.statusCode, res.body ? res.json().code : undefined] as const;
  };

  it('policy - a show offers only its host’s goods: not another host’s, not even through an admin', async () => {
    const { host, admin } = w.actors;
    const feature = { sku: w.otherSku, stock: 1, priceCents: 100, perBuyerLimit: 1 };
    expect(await call('POST', `/api/shows/${w.showId}/feature`, host, feature)).toEqual([403, 'forbidden']);
    expect(await call('POST', `/api/shows/${w.showId}/feature`, admin, feature)).toEqual([403, 'forbidden']);
    const giveaway = { sku: w.otherSku, durationSeconds: 60 };
    expect(await call('POST', `/api/shows/${w.showId}/giveaways`, host, giveaway)).toEqual([
      403,
      'forbidden',
    ]);
    expect(await call('POST', `/api/shows/${w.showId}/giveaways`, admin, giveaway)).toEqual([
      403,
      'forbidden',
    ]);
  });

  it('policy - a moderator never acts on another moderator, the host, an admin or their own ban', async () => {
    const { mod, host, admin, otherBuyer } = w.actors;
    const second = otherBuyer;
    await t.fm.services.shows.addModerator({ id: host.id, role: 'host', guest: false }, w.showId, second.id);
    const moderate = (who: Actor, userId: string, action: string) =>
      call('POST', `/api/shows/${w.showId}/moderation`, who, { userId, action });
    expect(await moderate(mod, second.id, 'ban')).toEqual([403, 'forbidden']);
    expect(await moderate(mod, host.id, 'mute')).toEqual([403, 'forbidden']);
    expect(await moderate(mod, admin.id, 'mute')).toEqual([403, 'forbidden']);
    // The host bans a moderator; the moderator cannot lift it.
    expect((await moderate(host, mod.id, 'ban'))[0]).toBe(204);
    expect(await moderate(mod, mod.id, 'unban')).toEqual([403, 'forbidden']);
    expect((await moderate(host, mod.id, 'unban'))[0]).toBe(204);
    // A moderator of one show has no say in another.
    const elsewhere = { userId: w.actors.buyer.id, action: 'ban' };
    expect(await call('POST', `/api/shows/${w.otherShowId}/moderation`, mod, elsewhere)).toEqual([
      403,
      'forbidden',
    ]);
  });

  it('policy - chat deletes are scoped to the show: a line of another show is not found through this one', async () => {
    const { mod } = w.actors;
    const otherLine = (
      await t.http('POST', `/api/shows/${w.otherShowId}/chat`, {
        token: w.actors.otherHost.token,
        body: { text: 'mine' },
      })
    ).json().id as string;
    expect(await call('DELETE', `/api/shows/${w.showId}/chat/${otherLine}`, mod)).toEqual([404, 'not_found']);
    const history = (await t.http('GET', `/api/shows/${w.otherShowId}/chat`)).json() as Array<{ id: string }>;
    expect(history.map((l) => l.id)).toContain(otherLine);
  });

  it('policy - a host never bids in their own auction', async () => {
    expect(
      await call('POST', `/api/auctions/${w.auctionId}/bids`, w.actors.host, { amountCents: 500 }),
    ).toEqual([403, 'own_auction']);
    expect(
      (await call('POST', `/api/auctions/${w.auctionId}/bids`, w.actors.otherHost, { amountCents: 500 }))[0],
    ).toBe(201);
  });

  it('policy - a buyer banned from a show cannot chat, react, vote, enter, bid or claim its items', async () => {
    const { host } = w.actors;
    const banned = w.actors.guest;
    const show = (await t.http('GET', `/api/shows/${w.showId}`)).json();
    expect(
      (
        await call('POST', `/api/shows/${w.showId}/feature`, host, {
          sku: w.sku,
          stock: 5,
          priceCents: 100,
          perBuyerLimit: 5,
        })
      )[0],
    ).toBe(200);
    expect(
      (
        await call('POST', `/api/shows/${w.showId}/moderation`, host, { userId: banned.id, action: 'ban' })
      )[0],
    ).toBe(204);
    const refused = [403, 'banned'];
    expect(await call('POST', `/api/shows/${w.showId}/chat`, banned, { text: 'hi' })).toEqual(refused);
    expect(await call('POST', `/api/shows/${w.showId}/reactions`, banned, { type: 'heart' })).toEqual(
      refused,
    );
    expect(await call('POST', `/api/polls/${w.pollId}/votes`, banned, { option: 1 })).toEqual(refused);
    expect(await call('POST', `/api/giveaways/${w.giveawayId}/entries`, banned)).toEqual(refused);
    expect(await call('POST', `/api/auctions/${w.auctionId}/bids`, banned, { amountCents: 10_000 })).toEqual(
      refused,
    );
    const claim = { sku: w.sku, quantity: 1, idempotencyKey: uniq('k') };
    expect(await call('POST', `/api/sales/${show.saleId}/claims`, banned, claim)).toEqual(refused);
    // The same buyer still shops elsewhere.
    expect((await call('POST', `/api/sales/${w.saleId}/claims`, banned, claim))[0]).toBe(201);
  });

  it('policy - a multi-seller order is cancelled line by line: each host only their own lines', async () => {
    const { host, otherHost, buyer } = w.actors;
    const theirs = await makeSale(t.fm, otherHost, { items: [{ stock: 5, priceCents: 700 }] });
    const theirSku = theirs.items[0]?.sku as string;
    const hold = async (saleId: string, sku: string) =>
      (
        await t.http('POST', `/api/sales/${saleId}/claims`, {
          token: buyer.token,
          body: { sku, quantity: 1, idempotencyKey: uniq('k') },
        })
      ).json().reservation.id as string;
    const stockOf = async (saleId: string) =>
      (await t.http('GET', `/api/sales/${saleId}`)).json().items[0].remaining as number;
    const reservationIds = [await hold(w.saleId, w.sku), await hold(theirs.id, theirSku)];
    const order = (
      await t.http('POST', '/api/checkout', {
        token: buyer.token,
        body: { reservationIds, payment: { method: 'card', token: 'tok_visa' }, shipping: SHIPPING },
      })
    ).json();
    expect(order.lines).toHaveLength(2);
    const [mineBefore, theirsBefore] = [await stockOf(w.saleId), await stockOf(theirs.id)];
    const mineLine = order.lines.find((l: { sku: string }) => l.sku === w.sku);
    // The host cancels: only their line goes (its unit back on sale, the total down by its amount).
    const first = await t.http('POST', `/api/orders/${order.id}/cancel`, { token: host.token, body: {} });
    expect(first.statusCode).toBe(200);
    const after = first.json();
    expect(after.state).toBe(order.state);
    expect(after.totalCents).toBe(order.totalCents - mineLine.priceCents * mineLine.quantity);
    expect(
      after.lines.map((l: { sku: string; cancelledAt: string | null }) => [l.sku, l.cancelledAt !== null]),
    ).toEqual(order.lines.map((l: { sku: string }) => [l.sku, l.sku === w.sku]));
    expect([await stockOf(w.saleId), await stockOf(theirs.id)]).toEqual([mineBefore + 1, theirsBefore]);
    // Again: nothing of theirs is left to cancel.
    expect(await call('POST', `/api/orders/${order.id}/cancel`, host, {})).toEqual([
      409,
      'order_not_cancellable',
    ]);
    // The other host's cancel takes the last line: the order itself is cancelled.
    const last = await t.http('POST', `/api/orders/${order.id}/cancel`, { token: otherHost.token, body: {} });
    expect([last.statusCode, last.json().state]).toEqual([200, 'cancelled']);
    expect(await stockOf(theirs.id)).toBe(theirsBefore + 1);
  });

  it('policy - an admin cannot change their own role', async () => {
    const { admin } = w.actors;
    // Past the step-up (a fresh second factor), the policy still says no.
    const res = await t.http('PATCH', `/api/users/${admin.id}`, {
      token: admin.token,
      headers: await stepUpHeaders(t, admin.id),
      body: { role: 'buyer' },
    });
    expect([res.statusCode, res.json().code]).toEqual([403, 'self_change_forbidden']);
    expect((await t.http('GET', '/api/me', { token: admin.token })).json().role).toBe('admin');
  });
});
