import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Actor, makeBuyers, uniq } from '../factories/index.ts';
import { openSocket, type TestSocket } from '../helpers/ws-client.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE, waitForAttr } from './browser-helpers.ts';
import { screenshot } from './screenshots-dir.ts';
import { featureInShow, makeLiveShow, makeProduct } from './showcase.ts';

/**
 * The live show's room in the browser: chat between buyers and the host, moderation from the
 * control room, and screenshots of the room and the control room with an audience. Buying and
 * auctions are in live-show.test.ts.
 */
const app = bootBrowserApp('live-show-room');

const LONG = 30_000;

const product = (host: Actor, p: { title: string; priceCents: number; imageUrl?: string }) =>
  makeProduct(app.fm, host, { ...p, hashtags: ['live'] });
const liveShow = (host: Actor, title: string) => makeLiveShow(app.t, host, { title, hashtags: ['live'] });

const chatLine = (page: Page, text: string) => page.getByTestId('chat-line').filter({ hasText: text });

describe('live show room', () => {
  it('web - chat reaches the other buyer and the host; the host mutes a buyer from the control room and their next line is refused', async () => {
    const host = await app.account('Mia Host', 'host');
    const show = await liveShow(host, 'Chatty live');
    const ada = await app.account('Ada Chatter');
    const bo = await app.account('Bo Watcher');
    const h = await app.signedIn(host, { viewport: DESKTOP });
    const a = await app.signedIn(ada, { viewport: PHONE });
    const b = await app.signedIn(bo, { viewport: PHONE });
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
    const history = (await app.t.http('GET', `/api/shows/${show.id}/chat`)).json() as Array<{
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
    const host = await app.account('Nova Beauty', 'host');
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
    await featureInShow(app.t, host, show.id, { sku: serum, stock: 40, priceCents: 2_500 });
    const crowd = await makeBuyers(app.fm, 6);
    const names = ['Maya', 'Leo', 'Priya', 'Sam', 'Jo', 'Kai'];
    for (const [i, c] of crowd.entries()) {
      await app.fm.store.query('update users set name = $2 where id = $1', [c.id, names[i]]);
    }
    // Some units sold, a follower or two, reactions.
    for (const c of crowd.slice(0, 3)) {
      await app.t.http('POST', `/api/sales/${show.saleId}/claims`, {
        token: c.token,
        body: { sku: serum, quantity: 1, idempotencyKey: uniq('k') },
      });
      await app.t.http('POST', `/api/hosts/${host.id}/follow`, { token: c.token });
    }
    const auction = await app.t.http('POST', `/api/shows/${show.id}/auctions`, {
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
    await app.t.http('POST', `/api/auctions/${auctionId}/bids`, {
      token: crowd[1]!.token,
      body: { amountCents: 5_000 },
    });
    await app.t.http('POST', `/api/auctions/${auctionId}/bids`, {
      token: crowd[2]!.token,
      body: { amountCents: 6_500 },
    });

    // A room with an audience: sockets watching it (each one is a viewer).
    const audience: TestSocket[] = [];
    for (let i = 0; i < 24; i++) {
      const ws = await openSocket(app.base);
      ws.send({ op: 'sub', ch: `show:${show.id}` });
      audience.push(ws);
    }
    const react = async () => {
      for (const [type, count] of [
        ['heart', 10],
        ['fire', 7],
        ['clap', 3],
      ] as const) {
        await app.t.http('POST', `/api/shows/${show.id}/reactions`, {
          token: crowd[0]!.token,
          body: { type, count },
        });
      }
    };
    const viewer = await app.account('Ada');
    const page = await app.signedIn(viewer, { viewport: PHONE });
    await page.page.goto(`/shows/${show.id}`);
    await waitForAttr(page.page, '[data-testid="auction"]', 'data-status', 'running', LONG);
    const say = async (c: Actor, text: string) => {
      const res = await app.t.http('POST', `/api/shows/${show.id}/chat`, {
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
    await app.t.http('POST', `/api/shows/${show.id}/polls`, {
      token: host.token,
      body: { question: 'Next up?', options: ['Mystery box', 'Sneaker restock', 'Lip oils'] },
    });
    const h = await app.signedIn(host, { viewport: DESKTOP });
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
