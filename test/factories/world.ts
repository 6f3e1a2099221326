import type { TestApp } from '../helpers/test-app.ts';
import { type Actor, makeBuyers, makeSale, makeUser, SHIPPING, uniq } from './index.ts';
import { makeShow } from './shows.ts';

/** The people of the route × role × ownership test. */
export const ROLE_NAMES = [
  'anon',
  'guest',
  'buyer',
  'otherBuyer',
  'mod',
  'host',
  'otherHost',
  'admin',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/**
 * A small marketplace where every kind of resource exists and belongs to someone: `host` owns the
 * products, the sale (with a waiting room and one without), the live show (moderated by `mod`), its
 * poll, giveaway, auction and FAQ, and a party; `buyer` owns a hold, an order, a waitlist place and
 * a queue ticket. `otherHost` has goods of their own, `otherBuyer` nothing.
 */
export interface World {
  readonly t: TestApp;
  readonly actors: Record<Exclude<RoleName, 'anon'>, Actor>;
  readonly token: (role: RoleName) => string | undefined;
  readonly sku: string;
  readonly otherSku: string;
  readonly saleId: string;
  readonly soldOutSaleId: string;
  readonly roomSaleId: string;
  readonly showId: string;
  readonly otherShowId: string;
  readonly pollId: string;
  readonly giveawayId: string;
  readonly auctionId: string;
  readonly partyId: string;
  readonly productId: string;
  readonly ticket: string;
  readonly waitlistId: string;
  /**
   * While true, `fresh` hands back the resource it made last (a refused call changes nothing, so
   * the refusals of one route can share one order or show; only calls that may succeed need their own).
   */
  reuse: boolean;
  /** A fresh resource for a call that changes or ends it. */
  fresh: {
    show(live?: boolean): Promise<string>;
    party(): Promise<string>;
    hold(): Promise<string>;
    order(): Promise<string>;
    chatLine(showId?: string): Promise<string>;
  };
}

export async function buildWorld(t: TestApp): Promise<World> {
  const { fm } = t;
  const host = await makeUser(fm, 'host');
  const otherHost = await makeUser(fm, 'host');
  const admin = await makeUser(fm, 'admin');
  const buyer = await makeUser(fm, 'buyer');
  const otherBuyer = await makeUser(fm, 'buyer');
  const mod = await makeUser(fm, 'buyer');
  const [guest] = await makeBuyers(fm, 1);
  const actors = { guest: guest as Actor, buyer, otherBuyer, mod, host, otherHost, admin };
  const token = (role: RoleName) => (role === 'anon' ? undefined : actors[role].token);
  const as = (a: Actor) => ({ id: a.id, role: 'host' as const, guest: false });
  const http = async (method: 'POST' | 'PUT', url: string, who: Actor, body: unknown = {}) => {
    const res = await t.http(method, url, { token: who.token, body });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  const sale = await makeSale(fm, host, { items: [{ stock: 1_000, perBuyerLimit: 1_000 }] });
  const sku = sale.items[0]?.sku as string;
  const soldOut = await makeSale(fm, host, { items: [{ stock: 1, perBuyerLimit: 1 }] });
  const other = await makeSale(fm, otherHost, { items: [{ stock: 10 }] });
  const otherSku = other.items[0]?.sku as string;
  const roomSale = await makeSale(fm, host, {
    items: [{ stock: 10 }],
    waitingRoom: { admitPerMinute: 60, maxActive: 10, opensBeforeSeconds: 600, admissionTtlSeconds: 600 },
  });
  const [productId] = (await fm.services.catalog.list({ hostId: host.id, limit: 1, offset: 0 })).map(
    (p) => p.id,
  );

  const claim = async (saleId: string, s: string, who: Actor) =>
    (
      await http('POST', `/api/sales/${saleId}/claims`, who, {
        sku: s,
        quantity: 1,
        idempotencyKey: uniq('k'),
      })
    ).reservation.id as string;
  await claim(soldOut.id, soldOut.items[0]?.sku as string, otherBuyer);
  const waitlist = await http('POST', `/api/sales/${soldOut.id}/waitlist`, buyer, {
    sku: soldOut.items[0]?.sku,
    quantity: 1,
  });
  const ticket = (await http('POST', `/api/sales/${roomSale.id}/queue`, buyer)).ticket as string;

  const mode = { reuse: false };
  const made = new Map<string, Promise<string>>();
  const once =
    <A extends unknown[]>(name: string, make: (...a: A) => Promise<string>) =>
    (...a: A): Promise<string> => {
      const key = `${name}:${a.join(',')}`;
      const cached = made.get(key);
      if (mode.reuse && cached) return cached;
      const p = make(...a);
      made.set(key, p);
      return p;
    };
  const fresh = {
    show: once('show', async (live?: boolean) => {
      return (await makeShow(fm, host, { live: live ?? true, skus: 0 })).show.id;
    }),
    party: once('party', async () => {
      return (
        await http('POST', '/api/parties', host, {
          title: 'Nightly',
          recurrence: { frequency: 'daily', time: '20:00', timeZone: 'UTC' },
          durationMinutes: 60,
          items: [{ sku, stock: 5, perBuyerLimit: 1 }],
        })
      ).id as string;
    }),
    hold: once('hold', () => claim(sale.id, sku, buyer)),
    order: once('order', async () => {
      const reservationId = await claim(sale.id, sku, buyer);
      const body = {
        reservationIds: [reservationId],
        payment: { method: 'card', token: 'tok_visa' },
        shipping: SHIPPING,
      };
      return (await http('POST', '/api/checkout', buyer, body)).id as string;
    }),
    chatLine: once('chat', async (showId?: string) => {
      return (await http('POST', `/api/shows/${showId ?? world.showId}/chat`, host, { text: uniq('hello ') }))
        .id as string;
    }),
  };

  const { show } = await makeShow(fm, host, { skus: 0 });
  const otherShowId = (await makeShow(fm, otherHost, { skus: 0 })).show.id;
  await fm.services.shows.addModerator(as(host), show.id, mod.id);
  const pollId = (
    await http('POST', `/api/shows/${show.id}/polls`, host, { question: 'Which?', options: ['a', 'b'] })
  ).id as string;
  const giveawayId = (
    await http('POST', `/api/shows/${show.id}/giveaways`, host, { sku, durationSeconds: 600 })
  ).id as string;
  const auctionId = (
    await http('POST', `/api/shows/${show.id}/auctions`, host, {
      sku,
      startCents: 100,
      incrementCents: 100,
      durationSeconds: 600,
      suddenDeath: false,
    })
  ).id as string;
  const world: World = {
    get reuse() {
      return mode.reuse;
    },
    set reuse(on: boolean) {
      mode.reuse = on;
    },
    t,
    actors,
    token,
    sku,
    otherSku,
    saleId: sale.id,
    soldOutSaleId: soldOut.id,
    roomSaleId: roomSale.id,
    showId: show.id,
    otherShowId,
    pollId,
    giveawayId,
    auctionId,
    partyId: await fresh.party(),
    productId: productId as string,
    ticket,
    waitlistId: waitlist.id as string,
    fresh,
  };
  return world;
}
