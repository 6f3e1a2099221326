import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Show } from '../../src/modules/shows/types.ts';
import { type Actor, makeBuyers, uniq } from '../factories/index.ts';
import { openSocket, type TestSocket } from '../helpers/ws-client.ts';
import {
  DESKTOP,
  openPage,
  PHONE,
  type Stack,
  screenshot,
  sessionFor,
  startStack,
  waitForAttr,
} from './browser-helpers.ts';

/**
 * Live shows in the browser: the host's console (schedule, go live, feature, auction, moderation)
 * and the buyer's room (one-tap buying, bidding, chat), each in its own browser context, against
 * a real server. Waits are on states (attributes the pages set), never on fixed delays.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Pages of the running test: on a failure, each is photographed (artifacts/screenshots/failed-*). */
const pages: Page[] = [];
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const [i, p] of pages.entries()) {
      if (!p.isClosed()) await screenshot(p, `failed-live-show-${i}`).catch(() => {});
    }
  }
  pages.length = 0;
});

async function open(opts: Parameters<typeof openPage>[1]) {
  const o = await openPage(stack, opts);
  pages.push(o.page);
  return o;
}

const LONG = 30_000;

/** A signed-up account of the given role and name, with a token. */
async function account(name: string, role: 'host' | 'buyer' = 'buyer') {
  const email = `${uniq(name.toLowerCase().replace(/[^a-z]+/g, ''))}@example.com`;
  const password = 'show-password-1';
  const user = await stack.t.fm.services.auth.createUser({ email, password, name, role });
  const token = await stack.t.fm.services.auth.tokenFor(user);
  return { id: user.id, token, email, password, name };
}

async function product(host: Actor, spec: { title: string; priceCents: number; imageUrl?: string }) {
  const sku = uniq('LIVE-').toUpperCase();
  await stack.t.fm.services.catalog.create(
    { id: host.id, role: 'host', guest: false },
    {
      title: spec.title,
      hashtags: ['live'],
      ...(spec.imageUrl ? { imageUrl: spec.imageUrl } : {}),
      variants: [{ sku, title: 'One size', priceCents: spec.priceCents, currency: 'USD' }],
    },
  );
  return sku;
}

/** A show made through the API (the host's UI is exercised in the first test). */
async function liveShow(host: Actor, title: string): Promise<Show> {
  const created = await stack.t.http('POST', '/api/shows', {
    token: host.token,
    body: { title, startsAt: new Date(stack.t.fm.clock.now()).toISOString(), hashtags: ['live'] },
  });
  expect(created.statusCode).toBe(201);
  const show = created.json() as Show;
  expect((await stack.t.http('POST', `/api/shows/${show.id}/live`, { token: host.token })).statusCode).toBe(
    200,
  );
  return show;
}

async function feature(host: Actor, showId: string, sku: string, stock: number, priceCents: number) {
  const res = await stack.t.http('POST', `/api/shows/${showId}/feature`, {
    token: host.token,
    body: { sku, stock, priceCents, perBuyerLimit: 2 },
  });
  expect(res.statusCode).toBe(200);
}

/** A browser context signed in as this account (the stored session the app reads). */
async function signedIn(who: Actor, viewport = PHONE) {
  return open({ viewport, ...(await sessionFor(stack, who)) });
}

async function fillShipping(page: Page, name: string) {
  await page.getByTestId('ship-name').fill(name);
  await page.getByTestId('ship-email').fill(`${name.split(' ')[0]?.toLowerCase()}@example.com`);
  await page.getByTestId('ship-line1').fill('1 Studio Lane');
  await page.getByTestId('ship-city').fill('Springfield');
  await page.getByTestId('ship-postal').fill('12345');
  await page.getByTestId('card-number').fill('4242 4242 4242 4242');
}

const chatLine = (page: Page, text: string) => page.getByTestId('chat-line').filter({ hasText: text });

describe('live shows', () => {
  it('web - a host schedules a show and features a product; a buyer buys it with one tap and checks out; both see the stock fall', async () => {
    const host = await account('Hana Host', 'host');
    const sku = await product(host, {
      title: 'Glow Serum Trio',
      priceCents: 3_900,
      imageUrl: '/demo/serum.svg',
    });

    // The host signs in through the UI and schedules a show with the serum in its line-up.
    const h = await open({ viewport: DESKTOP });
    await h.page.goto('/signin?next=/host/shows/new');
    await h.page.getByTestId('auth-email').fill(host.email);
    await h.page.getByTestId('auth-password').fill(host.password);
    await h.page.getByTestId('auth-submit').click();
    await h.page.getByTestId('show-form').waitFor();
    await h.page.getByTestId('show-title').fill('Glow hour, live');
    await h.page.getByTestId('show-tags').fill('#beauty #live');
    await h.page.getByTestId('show-now').check();
    await h.page.getByTestId(`lineup-include-${sku}`).check();
    await h.page.getByTestId(`lineup-stock-${sku}`).fill('5');
    await h.page.getByTestId(`lineup-limit-${sku}`).fill('2');
    await h.page.getByTestId(`lineup-price-${sku}`).fill('25');
    await h.page.getByTestId('show-submit').click();
    await h.page.waitForURL((u) => /^\/host\/shows\/shw_/.test(u.pathname));
    await h.page.getByTestId('show-created').waitFor();
    const showId = new URL(h.page.url()).pathname.split('/').pop()!;
    const scheduled = (await stack.t.http('GET', `/api/shows/${showId}`)).json();
    expect(scheduled).toMatchObject({
      title: 'Glow hour, live',
      status: 'scheduled',
      hashtags: ['beauty', 'live'],
    });

    // Go live, then feature the serum with the line-up's stock, price and limit.
    await h.page.getByTestId('go-live').click();
    await waitForAttr(h.page, '[data-testid="control-room"]', 'data-status', 'live');
    expect(await h.page.getByTestId(`feature-stock-${sku}`).inputValue()).toBe('5');
    await h.page.getByTestId(`feature-${sku}`).click();
    await waitForAttr(h.page, '[data-testid="host-featured"]', 'data-sku', sku);
    await waitForAttr(h.page, '[data-testid="host-featured-stock"]', 'data-remaining', '5');
    const live = (await stack.t.http('GET', `/api/shows/${showId}`)).json();
    expect(live.status).toBe('live');
    expect(live.featured).toMatchObject({ sku, stock: 5, remaining: 5, priceCents: 2_500, perBuyerLimit: 2 });

    // The buyer (signed out, on a phone) sees it featured with its stock, and buys with one tap:
    // the sign-in sheet first (as a guest), then the claim goes through.
    const b = await open({ viewport: PHONE });
    await b.page.goto(`/shows/${showId}`);
    await waitForAttr(b.page, '[data-testid="show-room"]', 'data-status', 'live');
    await waitForAttr(b.page, '[data-testid="featured"]', 'data-sku', sku);
    await waitForAttr(b.page, '[data-testid="featured-stock"]', 'data-remaining', '5');
    expect(await b.page.getByTestId('featured-price').textContent()).toContain('$25');
    expect(await b.page.getByTestId('room-host').textContent()).toBe('Hana Host');
    await b.page.getByTestId('buy-button').click();
    await b.page.getByTestId('auth-sheet').getByTestId('auth-guest').click();
    await b.page.getByTestId('room-hold').waitFor({ timeout: LONG });
    expect(await b.page.getByTestId('room-hold-timer').textContent()).toMatch(/^0[45]:\d\d$/);

    // Both see the stock fall: the buyer's room and the host's control room.
    await waitForAttr(b.page, '[data-testid="featured-stock"]', 'data-remaining', '4', LONG);
    await waitForAttr(h.page, '[data-testid="host-featured-stock"]', 'data-remaining', '4', LONG);
    await h.page.getByTestId('cr-stock').getByText('4/5').waitFor();

    // The hold → checkout with the sandbox Visa → the order.
    await b.page.getByTestId('room-checkout').click();
    await b.page.waitForURL((u) => u.pathname === '/checkout');
    await b.page.getByTestId('checkout-line').waitFor();
    expect(await b.page.getByTestId('checkout-line').textContent()).toContain('Glow Serum Trio');
    expect(await b.page.getByTestId('checkout-total').textContent()).toContain('$25');
    await fillShipping(b.page, 'Gus Guest');
    await b.page.getByTestId('pay-button').click();
    await b.page.waitForURL((u) => u.pathname.startsWith('/orders/'), { timeout: LONG });
    await b.page.getByTestId('order-confirmed').waitFor();
    const orderId = new URL(b.page.url()).pathname.split('/').pop()!;
    const token = await b.page.evaluate(() => JSON.parse(localStorage.getItem('flashmob.session')!).token);
    const order = (await stack.t.http('GET', `/api/orders/${orderId}`, { token })).json();
    expect(order.totalCents).toBe(2_500);
    expect(order.lines).toEqual([expect.objectContaining({ sku, quantity: 1, priceCents: 2_500 })]);
    expect(['paid', 'packed', 'shipped']).toContain(order.state);

    // The sale sold one: the room says 4 left after the checkout too.
    await b.page.goto(`/shows/${showId}`);
    await waitForAttr(b.page, '[data-testid="featured-stock"]', 'data-remaining', '4');
    expect(b.errors).toEqual([]);
    expect(h.errors).toEqual([]);
    await b.ctx.close();
    await h.ctx.close();
  });

  it('web - the host starts an auction; two buyers bid and see the price and leader live; the higher bidder wins and pays', async () => {
    const host = await account('Hugo Host', 'host');
    const sku = await product(host, {
      title: 'Retro Console Mini',
      priceCents: 7_900,
      imageUrl: '/demo/console.svg',
    });
    const show = await liveShow(host, 'Retro night');
    const ada = await account('Ada');
    const bo = await account('Bo');

    const h = await signedIn(host, DESKTOP);
    await h.page.goto(`/host/shows/${show.id}`);
    await waitForAttr(h.page, '[data-testid="control-room"]', 'data-status', 'live');
    const a = await signedIn(ada, PHONE);
    const b = await signedIn(bo, DESKTOP);
    await a.page.goto(`/shows/${show.id}`);
    await b.page.goto(`/shows/${show.id}`);
    await waitForAttr(a.page, '[data-testid="show-room"]', 'data-status', 'live');
    await waitForAttr(b.page, '[data-testid="show-room"]', 'data-status', 'live');

    // A short auction where every bid adds time (window = duration): it ends 20 s after the last bid.
    await h.page.getByTestId('auction-sku').selectOption(sku);
    await h.page.getByTestId('auction-start').fill('10');
    await h.page.getByTestId('auction-increment').fill('1');
    await h.page.getByTestId('auction-duration').fill('20');
    await h.page.getByTestId('auction-extend').fill('20');
    await h.page.getByTestId('auction-submit').click();
    await waitForAttr(h.page, '[data-testid="host-auction"]', 'data-status', 'running');

    for (const p of [a.page, b.page]) {
      await waitForAttr(p, '[data-testid="auction"]', 'data-status', 'running', LONG);
      await waitForAttr(p, '[data-testid="auction-price"]', 'data-cents', '1000');
      await waitForAttr(p, '[data-testid="bid-button"]', 'data-amount', '1000');
    }

    // Ada opens at $10: both see it, Ada is winning, Bo sees Ada leading.
    await a.page.getByTestId('bid-button').click();
    await waitForAttr(a.page, '[data-testid="auction"]', 'data-state', 'winning', LONG);
    expect(await a.page.getByTestId('auction-you').textContent()).toBe("You're winning!");
    await b.page.getByTestId('auction-leader').getByText('Ada').waitFor({ timeout: LONG });
    await waitForAttr(b.page, '[data-testid="bid-button"]', 'data-amount', '1100', LONG);
    const endBefore = Date.parse((await b.page.getByTestId('auction-timer').getAttribute('datetime'))!);

    // Bo bids $11: the price and the leader move for both; Ada is outbid; the end moved out.
    await b.page.getByTestId('bid-button').click();
    await waitForAttr(b.page, '[data-testid="auction"]', 'data-state', 'winning', LONG);
    await waitForAttr(a.page, '[data-testid="auction-price"]', 'data-cents', '1100', LONG);
    await waitForAttr(a.page, '[data-testid="auction"]', 'data-state', 'outbid', LONG);
    await a.page.getByTestId('auction-leader').getByText('Bo').waitFor({ timeout: LONG });
    expect(await a.page.getByTestId('auction-you').textContent()).toBe("You've been outbid");
    const endAfter = Date.parse((await b.page.getByTestId('auction-timer').getAttribute('datetime'))!);
    expect(endAfter).toBeGreaterThan(endBefore);
    await h.page.getByTestId('host-auction-price').getByText('$11').waitFor({ timeout: LONG });

    // The server's clock ends it: Bo wins (the higher bid), Ada is told who did.
    await waitForAttr(b.page, '[data-testid="auction"]', 'data-status', 'sold', 60_000);
    await b.page.getByTestId('auction-won').waitFor();
    await a.page.getByTestId('auction-result').getByText('Sold to Bo for $11').waitFor({ timeout: LONG });
    await waitForAttr(h.page, '[data-testid="host-auction"]', 'data-status', 'sold', LONG);

    // Bo pays the won order from the order page.
    await b.page.getByTestId('auction-pay').click();
    await b.page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    await waitForAttr(b.page, '[data-testid="order-state"]', 'data-state', 'pending_payment');
    await b.page.getByTestId('pay-order-form').waitFor();
    await fillShipping(b.page, 'Bo Bidder');
    await b.page.getByTestId('pay-order-button').click();
    await b.page.waitForFunction(
      () => {
        const s = document.querySelector('[data-testid="order-state"]')?.getAttribute('data-state');
        return s === 'paid' || s === 'packed' || s === 'shipped';
      },
      undefined,
      { timeout: LONG },
    );
    const orderId = new URL(b.page.url()).pathname.split('/').pop()!;
    const order = (await stack.t.http('GET', `/api/orders/${orderId}`, { token: bo.token })).json();
    expect(order).toMatchObject({ source: 'auction', totalCents: 1_100, buyerId: bo.id });
    expect(order.lines[0]).toMatchObject({ sku, priceCents: 1_100 });
    expect(order.payment.label).toMatch(/Visa/);

    for (const x of [a, b, h]) {
      expect(x.errors).toEqual([]);
      await x.ctx.close();
    }
  });

  it('web - chat reaches the other buyer and the host; the host mutes a buyer from the control room and their next line is refused', async () => {
    const host = await account('Mia Host', 'host');
    const show = await liveShow(host, 'Chatty live');
    const ada = await account('Ada Chatter');
    const bo = await account('Bo Watcher');
    const h = await signedIn(host, DESKTOP);
    const a = await signedIn(ada, PHONE);
    const b = await signedIn(bo, PHONE);
    await h.page.goto(`/host/shows/${show.id}`);
    await a.page.goto(`/shows/${show.id}`);
    await b.page.goto(`/shows/${show.id}`);
    for (const p of [a.page, b.page])
      await waitForAttr(p, '[data-testid="show-room"]', 'data-status', 'live');
    await waitForAttr(h.page, '[data-testid="control-room"]', 'data-status', 'live');

    // Ada says hello: Bo and the host get the line.
    await a.page.getByTestId('chat-input').fill('Hello from Ada!');
    await a.page.getByTestId('chat-send').click();
    await chatLine(a.page, 'Hello from Ada!').waitFor();
    expect(await a.page.getByTestId('chat-input').inputValue()).toBe('');
    await chatLine(b.page, 'Hello from Ada!').waitFor({ timeout: LONG });
    const line = chatLine(h.page, 'Hello from Ada!');
    await line.waitFor({ timeout: LONG });
    expect(await line.getAttribute('data-user')).toBe(ada.id);

    // The host answers (an announcement) and everyone sees it marked as the host's.
    await h.page.getByTestId('host-chat').getByTestId('chat-input').fill('Welcome Ada!');
    await h.page.getByTestId('host-chat').getByTestId('chat-send').click();
    await waitForAttr(
      b.page,
      '[data-testid="chat-line"][data-kind="announcement"]',
      'data-user',
      host.id,
      LONG,
    );

    // The host mutes Ada from her line.
    const lineId = await line.getAttribute('data-id');
    await h.page.getByTestId(`moderate-${lineId}`).click();
    await h.page.getByTestId('mod-mute').click();
    await waitForAttr(h.page, '[data-testid="moderated-user"]', 'data-action', 'mute');

    // Ada's next line is refused, with a clear message; it reaches nobody.
    await a.page.getByTestId('chat-input').fill('Can anyone hear me?');
    await a.page.getByTestId('chat-send').click();
    await waitForAttr(a.page, '[data-testid="chat-problem"]', 'data-code', 'muted', LONG);
    expect(await a.page.getByTestId('chat-problem').textContent()).toContain("You're muted in this chat");
    expect(await a.page.getByTestId('chat-input').inputValue()).toBe('Can anyone hear me?');
    const history = (await stack.t.http('GET', `/api/shows/${show.id}/chat`)).json() as Array<{
      text: string;
    }>;
    expect(history.map((l) => l.text)).toEqual(expect.arrayContaining(['Hello from Ada!', 'Welcome Ada!']));
    expect(history.map((l) => l.text)).not.toContain('Can anyone hear me?');
    // Bo can still talk.
    await b.page.getByTestId('chat-input').fill('Bo here');
    await b.page.getByTestId('chat-send').click();
    await chatLine(h.page, 'Bo here').waitFor({ timeout: LONG });

    for (const x of [a, b, h]) {
      expect(x.errors).toEqual([]);
      await x.ctx.close();
    }
  });

  it('web - screenshots of the show room and the control room, phone and desktop', async () => {
    const host = await account('Nova Beauty', 'host');
    const serum = await product(host, {
      title: 'Glow Serum Trio',
      priceCents: 3_900,
      imageUrl: '/demo/serum.svg',
    });
    const sneaker = await product(host, {
      title: 'Aurora Runner — Limited',
      priceCents: 18_900,
      imageUrl: '/demo/sneaker.svg',
    });
    const show = await liveShow(host, 'Glow up Friday: serums, sneakers & a mystery box');
    await feature(host, show.id, serum, 40, 2_500);
    const crowd = await makeBuyers(stack.t.fm, 6);
    const names = ['Maya', 'Leo', 'Priya', 'Sam', 'Jo', 'Kai'];
    for (const [i, c] of crowd.entries()) {
      await stack.t.fm.store.query('update users set name = $2 where id = $1', [c.id, names[i]]);
    }
    // Some units sold, a follower or two, reactions.
    for (const c of crowd.slice(0, 3)) {
      await stack.t.http('POST', `/api/sales/${show.saleId}/claims`, {
        token: c.token,
        body: { sku: serum, quantity: 1, idempotencyKey: uniq('k') },
      });
      await stack.t.http('POST', `/api/hosts/${host.id}/follow`, { token: c.token });
    }
    const auction = await stack.t.http('POST', `/api/shows/${show.id}/auctions`, {
      token: host.token,
      body: {
        sku: sneaker,
        startCents: 5_000,
        incrementCents: 500,
        durationSeconds: 900,
        suddenDeath: false,
      },
    });
    expect(auction.statusCode).toBe(201);
    const auctionId = auction.json().id as string;
    await stack.t.http('POST', `/api/auctions/${auctionId}/bids`, {
      token: crowd[1]!.token,
      body: { amountCents: 5_000 },
    });
    await stack.t.http('POST', `/api/auctions/${auctionId}/bids`, {
      token: crowd[2]!.token,
      body: { amountCents: 6_500 },
    });

    // A room with an audience: sockets watching it (each one is a viewer).
    const audience: TestSocket[] = [];
    for (let i = 0; i < 24; i++) {
      const ws = await openSocket(stack.base);
      ws.send({ op: 'sub', ch: `show:${show.id}` });
      audience.push(ws);
    }
    const react = async () => {
      for (const [type, count] of [
        ['heart', 10],
        ['fire', 7],
        ['clap', 3],
      ] as const) {
        await stack.t.http('POST', `/api/shows/${show.id}/reactions`, {
          token: crowd[0]!.token,
          body: { type, count },
        });
      }
    };
    const viewer = await account('Ada');
    const page = await signedIn(viewer, PHONE);
    await page.page.goto(`/shows/${show.id}`);
    await waitForAttr(page.page, '[data-testid="auction"]', 'data-status', 'running', LONG);
    const say = async (c: Actor, text: string) => {
      const res = await stack.t.http('POST', `/api/shows/${show.id}/chat`, {
        token: c.token,
        body: { text },
      });
      expect(res.statusCode).toBe(201);
    };
    await say(crowd[0]!, 'omg that serum glow');
    await say(crowd[1]!, 'bid in for the runners!');
    await say(host, 'Welcome in everyone! 25 off the trio tonight');
    await say(crowd[3]!, 'does it ship to Canada?');
    await say(crowd[4]!, 'sold');
    await say(crowd[5]!, 'Priya you are going all in');
    await say(crowd[2]!, 'that sneaker is MINE');
    await react();
    await chatLine(page.page, 'that sneaker is MINE').waitFor({ timeout: LONG });
    await page.page.getByTestId('auction-leader').getByText('Priya').waitFor({ timeout: LONG });
    await page.page.getByTestId('react-count-heart').getByText('10').waitFor({ timeout: LONG });
    await screenshot(page.page, 'show-room-phone');

    await page.page.setViewportSize(DESKTOP);
    await page.page.getByTestId('featured').waitFor();
    await screenshot(page.page, 'show-room-desktop');
    expect(page.errors).toEqual([]);
    await page.ctx.close();

    // The control room, with a poll running and a question on the radar.
    await stack.t.http('POST', `/api/shows/${show.id}/polls`, {
      token: host.token,
      body: { question: 'Next up?', options: ['Mystery box', 'Sneaker restock', 'Lip oils'] },
    });
    const h = await signedIn(host, DESKTOP);
    await h.page.goto(`/host/shows/${show.id}`);
    await waitForAttr(h.page, '[data-testid="host-auction"]', 'data-status', 'running', LONG);
    await h.page.getByTestId('host-poll').waitFor({ timeout: LONG });
    await chatLine(h.page, 'that sneaker is MINE').waitFor({ timeout: LONG });
    await say(crowd[3]!, 'what size is the trio box, is it travel size?');
    await h.page.getByTestId('radar-question').first().waitFor({ timeout: LONG });
    await react();
    const atLeast = (testId: string, n: number) =>
      h.page.waitForFunction(
        ([id, min]) =>
          Number(document.querySelector(`[data-testid="${id}"] .stat__value`)?.textContent) >=
          (min as number),
        [testId, n] as const,
        { timeout: LONG },
      );
    await atLeast('cr-reactions', 40);
    await atLeast('cr-viewers', 24);
    await screenshot(h.page, 'host-control-room-desktop');
    await h.page.setViewportSize(PHONE);
    await h.page.getByTestId('control-products').waitFor();
    await screenshot(h.page, 'host-control-room-phone');
    expect(h.errors).toEqual([]);
    await h.ctx.close();
    for (const ws of audience) ws.close();
  });
});
