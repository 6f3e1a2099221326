import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE, waitForAttr } from './browser-helpers.ts';
import { fillShipping, signInWithPassword, VISA } from './page-flows.ts';
import { makeLiveShow, makeProduct } from './showcase.ts';

/**
 * Live shows in the browser: the host's console (schedule, go live, feature, auction) and the
 * buyer's room (one-tap buying, bidding, paying), each in its own browser context, against a real
 * server. Waits are on states (attributes the pages set), never on fixed delays. Chat, moderation
 * and the room's screenshots are in live-show-room.test.ts.
 */
const app = bootBrowserApp('live-show');

const LONG = 30_000;

const product = (host: Actor, p: { title: string; priceCents: number; imageUrl?: string }) =>
  makeProduct(app.fm, host, { ...p, hashtags: ['live'] });
const liveShow = (host: Actor, title: string) => makeLiveShow(app.t, host, { title, hashtags: ['live'] });

/** A buyer's delivery to the studio's street, and the sandbox Visa. */
async function fillDelivery(page: Page, name: string): Promise<void> {
  const email = `${name.split(' ')[0]?.toLowerCase()}@example.com`;
  await fillShipping(page, { name, email, line1: '1 Studio Lane', city: 'Springfield', postal: '12345' });
  await page.getByTestId('card-number').fill(VISA);
}

describe('live shows', () => {
  it('web - a host schedules a show and features a product; a buyer buys it with one tap and checks out; both see the stock fall', async () => {
    const host = await app.account('Hana Host', 'host');
    const sku = await product(host, {
      title: 'Glow Serum Trio',
      priceCents: 3_900,
      imageUrl: '/demo/serum.svg',
    });

    // The host signs in through the UI and schedules a show with the serum in its line-up.
    const h = await app.open({ viewport: DESKTOP });
    await signInWithPassword(h.page, host, '/host/shows/new');
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
    const scheduled = (await app.t.http('GET', `/api/shows/${showId}`)).json();
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
    const live = (await app.t.http('GET', `/api/shows/${showId}`)).json();
    expect(live.status).toBe('live');
    expect(live.featured).toMatchObject({ sku, stock: 5, remaining: 5, priceCents: 2_500, perBuyerLimit: 2 });

    // The buyer (signed out, on a phone) sees it featured with its stock, and buys with one tap:
    // the sign-in sheet first (as a guest), then the claim goes through.
    const b = await app.open({ viewport: PHONE });
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
    await fillDelivery(b.page, 'Gus Guest');
    await b.page.getByTestId('pay-button').click();
    await b.page.waitForURL((u) => u.pathname.startsWith('/orders/'), { timeout: LONG });
    await b.page.getByTestId('order-confirmed').waitFor();
    const orderId = new URL(b.page.url()).pathname.split('/').pop()!;
    const token = await b.page.evaluate(() => JSON.parse(localStorage.getItem('flashmob.session')!).token);
    const order = (await app.t.http('GET', `/api/orders/${orderId}`, { token })).json();
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
    const host = await app.account('Hugo Host', 'host');
    const sku = await product(host, {
      title: 'Retro Console Mini',
      priceCents: 7_900,
      imageUrl: '/demo/console.svg',
    });
    const show = await liveShow(host, 'Retro night');
    const ada = await app.account('Ada');
    const bo = await app.account('Bo');

    const h = await app.signedIn(host, { viewport: DESKTOP });
    await h.page.goto(`/host/shows/${show.id}`);
    await waitForAttr(h.page, '[data-testid="control-room"]', 'data-status', 'live');
    const a = await app.signedIn(ada, { viewport: PHONE });
    const b = await app.signedIn(bo, { viewport: DESKTOP });
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
    await fillDelivery(b.page, 'Bo Bidder');
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
    const order = (await app.t.http('GET', `/api/orders/${orderId}`, { token: bo.token })).json();
    expect(order).toMatchObject({ source: 'auction', totalCents: 1_100, buyerId: bo.id });
    expect(order.lines[0]).toMatchObject({ sku, priceCents: 1_100 });
    expect(order.payment.label).toMatch(/Visa/);

    for (const x of [a, b, h]) {
      expect(x.errors).toEqual([]);
      await x.ctx.close();
    }
  });
});
