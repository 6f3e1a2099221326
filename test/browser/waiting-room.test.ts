import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solvePow } from '../../src/client/pow.ts';
import type { Sale } from '../../src/modules/sales/types.ts';
import { type Actor, makeBuyers, makeUser } from '../factories/index.ts';
import {
  DESKTOP,
  makeShowcaseSale,
  openPage,
  PHONE,
  type Stack,
  screenshot,
  sessionFor,
  startStack,
  waitForAttr,
} from './browser-helpers.ts';

/**
 * The waiting room in the browser: the buyer's queue page (proof of work, live place, pauses,
 * "It's your turn!", claiming with the admission), the host's queue panel, the refusals, and
 * screenshots of the queue page at phone and desktop sizes.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const ROOM = {
  admitPerMinute: 120,
  maxActive: 50,
  opensBeforeSeconds: 600,
  admissionTtlSeconds: 600,
  proofOfWork: { difficulty: 10 },
};

const { proofOfWork: _pow, ...NO_POW } = ROOM;

/** Joins the line through the API, solving the proof of work in Node when the room asks for it. */
async function joinByApi(saleId: string, buyer: Actor) {
  let body: unknown = {};
  const challenge = await stack.t.http('GET', `/api/sales/${saleId}/queue/challenge`, { token: buyer.token });
  if (challenge.statusCode === 200) {
    const c = challenge.json() as { challenge: string; difficulty: number };
    body = { pow: { challenge: c.challenge, solution: solvePow(c.challenge, c.difficulty) } };
  }
  const res = await stack.t.http('POST', `/api/sales/${saleId}/queue`, { token: buyer.token, body });
  expect(res.statusCode).toBeLessThan(300);
  return res.json() as { ticket: string; position: number | null; state: string };
}

async function waitUntil(check: () => Promise<boolean>, timeout = 10_000): Promise<void> {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function payAsGuest(page: Page): Promise<void> {
  await page.getByTestId('checkout-line').first().waitFor();
  await page.getByTestId('ship-name').fill('Rosa Queue');
  await page.getByTestId('ship-email').fill('rosa@example.com');
  await page.getByTestId('ship-line1').fill('5 Velvet Rope Lane');
  await page.getByTestId('ship-city').fill('Springfield');
  await page.getByTestId('ship-postal').fill('12345');
  await page.getByTestId('card-number').fill('4242 4242 4242 4242');
  await page.getByTestId('pay-button').click();
}

describe('waiting room', () => {
  it('web - a buyer waits in a queue, is admitted, claims and checks out', async () => {
    const fm = stack.t.fm;
    const host = await makeUser(fm, 'host');
    const sale = await makeShowcaseSale(stack, host, {
      title: 'Velvet Rope Drop',
      items: [{ stock: 20, perBuyerLimit: 2, priceCents: 18_900, imageUrl: '/demo/sneaker.svg' }],
      waitingRoom: ROOM,
    });
    const sku = sale.items[0]!.sku;
    // Paused: the buyer gets a place and keeps it until the host resumes.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    const { page, ctx, errors } = await openPage(stack);

    // The drop page sends buyers to the queue instead of letting them claim.
    await page.goto(`/sales/${sale.id}`);
    await page.getByTestId('waiting-room-notice').waitFor();
    expect(await page.getByTestId('claim-button').count()).toBe(0);
    await page.getByTestId('queue-button').click();
    await page.waitForURL((u) => u.pathname === `/sales/${sale.id}/queue`);

    // Signed out: a guest in one tap; then the proof of work (in a Web Worker) and the join.
    const joined = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/queue`));
    await page.getByTestId('queue-signin').getByTestId('auth-guest').click();
    const join = await joined;
    const pow = (join.postDataJSON() as { pow?: { challenge: string; solution: string } }).pow;
    expect(pow?.challenge).toBeTruthy();
    expect(pow?.solution).toMatch(/^\d+$/);

    // A place in line, paused by the host.
    const position = page.getByTestId('queue-position');
    await position.waitFor();
    expect(await position.getAttribute('data-position')).toBe('1');
    expect(await position.textContent()).toBe('1');
    await waitForAttr(page, '[data-testid="queue-waiting"]', 'data-state', 'paused');
    expect(await page.getByTestId('queue-eta').textContent()).toBe('paused by the host');
    await page.getByTestId('queue-paused').waitFor();

    // The ticket is kept for this sale: a reload keeps the place (and does not join again).
    const stored = await page.evaluate((id) => localStorage.getItem(`flashmob.queue.${id}`), sale.id);
    const ticket = (JSON.parse(stored ?? '{}') as { ticket?: string }).ticket;
    expect(ticket).toMatch(/^tkt_[0-9a-z]{16}$/);
    let joinedAgain = false;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/queue')) joinedAgain = true;
    });
    await page.reload();
    await waitForAttr(page, '[data-testid="queue-position"]', 'data-position', '1');
    expect(joinedAgain).toBe(false);

    // The host resumes: the buyer's turn comes over the queue channel.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: false });
    const turn = page.getByTestId('queue-admitted');
    await turn.getByText("It's your turn!").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('queue-admission-timer').textContent()).toMatch(/^(09|10):\d\d$/);
    const entry = JSON.parse(
      (await page.evaluate((id) => localStorage.getItem(`flashmob.queue.${id}`), sale.id)) ?? '{}',
    ) as { ticket: string; admission?: { token: string; expiresAt: string } };
    expect(entry.ticket).toBe(ticket);
    expect(entry.admission?.token).toBeTruthy();

    // On the drop page: the turn's timer, and Claim sends the admission.
    await page.getByTestId('queue-shop').click();
    await page.waitForURL((u) => u.pathname === `/sales/${sale.id}`);
    const banner = page.getByTestId('admission-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Your turn ends in (09|10):\d\d/);
    expect(await page.getByTestId('waiting-room-notice').count()).toBe(0);
    const claimed = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/claims'));
    await page.getByTestId('claim-button').click();
    expect((await claimed).headers()['flashmob-admission']).toBe(entry.admission?.token);
    await page.getByTestId('hold-timer').waitFor();
    await waitForAttr(page, `[data-testid="stock-${sku}"]`, 'data-remaining', '19');

    // Check out with the sandbox Visa: paid, then shipped by the pipeline.
    await page.getByTestId('hold-checkout').click();
    await page.waitForURL((u) => u.pathname === '/checkout');
    await payAsGuest(page);
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'shipped');
    const orderId = page.url().split('/orders/')[1]!.split('?')[0]!;
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('flashmob.session')!).token as string,
    );
    const order = (await stack.t.http('GET', `/api/orders/${orderId}`, { token })).json();
    expect(order.state).toBe('shipped');
    expect(order.lines[0].sku).toBe(sku);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - the host pauses the queue from the console and the buyer sees it paused; then a new rate and resume', async () => {
    const fm = stack.t.fm;
    const host = await makeUser(fm, 'host');
    // One shopper at a time: the first buyer is admitted, the next one waits at #1.
    const sale = await makeShowcaseSale(stack, host, {
      title: 'Host Pause Drop',
      items: [{ stock: 10, imageUrl: '/demo/vinyl.svg' }],
      waitingRoom: { ...NO_POW, maxActive: 1 },
    });
    const [first, buyer] = await makeBuyers(fm, 2);
    const firstTicket = await joinByApi(sale.id, first!);
    await waitUntil(async () => {
      const s = await stack.t.http('GET', `/api/sales/${sale.id}/queue/${firstTicket.ticket}`, {
        token: first!.token,
      });
      return s.json().state === 'admitted';
    });

    const b = await openPage(stack, { viewport: PHONE, ...(await sessionFor(stack, buyer!)) });
    await b.page.goto(`/sales/${sale.id}/queue`);
    await waitForAttr(b.page, '[data-testid="queue-position"]', 'data-position', '1');
    await waitForAttr(b.page, '[data-testid="queue-waiting"]', 'data-state', 'waiting');
    expect(await b.page.getByTestId('queue-ahead').textContent()).toContain('you are next');

    const h = await openPage(stack, { viewport: DESKTOP, ...(await sessionFor(stack, host)) });
    await h.page.goto(`/host/sales/${sale.id}`);
    const panel = h.page.getByTestId('queue-panel');
    await panel.getByTestId('queue-length').getByText('1', { exact: true }).waitFor();
    await panel.getByTestId('queue-active').getByText('1 / 1').waitFor();
    await panel.getByTestId('queue-admitted').getByText('1', { exact: true }).waitFor();
    await waitForAttr(h.page, '[data-testid="queue-state"]', 'data-state', 'admitting');

    // Pause: the buyer's page says so within a moment (the queue channel).
    await panel.getByTestId('queue-pause').click();
    await waitForAttr(h.page, '[data-testid="queue-pause"]', 'data-paused', 'true');
    await waitForAttr(h.page, '[data-testid="queue-state"]', 'data-state', 'paused');
    await waitForAttr(b.page, '[data-testid="queue-waiting"]', 'data-state', 'paused', 5_000);
    expect(await b.page.getByTestId('queue-paused').textContent()).toContain('Paused by the host');
    expect(await b.page.getByTestId('queue-eta').textContent()).toBe('paused by the host');
    expect((await fm.services.waitingRoom.hostView(sale.id)).paused).toBe(true);

    // A new rate (validated first), then resume.
    await panel.getByTestId('queue-rate-input').fill('0');
    await panel.getByTestId('queue-rate-save').click();
    await panel.getByText('A whole number of buyers per minute, from 1.').waitFor();
    await panel.getByTestId('queue-rate-input').fill('30');
    await panel.getByTestId('queue-rate-save').click();
    await panel.getByText('Scheduled at 120/min.').waitFor();
    expect((await fm.services.waitingRoom.hostView(sale.id)).admitPerMinute).toBe(30);
    await panel.getByTestId('queue-pause').click();
    await waitForAttr(h.page, '[data-testid="queue-pause"]', 'data-paused', 'false');
    await panel.getByTestId('queue-rate').getByText('30/min').waitFor();
    await waitForAttr(b.page, '[data-testid="queue-waiting"]', 'data-state', 'waiting', 5_000);
    expect(await b.page.getByTestId('queue-eta').textContent()).not.toBe('paused by the host');
    expect(b.errors).toEqual([]);
    expect(h.errors).toEqual([]);
    await b.ctx.close();
    await h.ctx.close();
  });

  it('web - before the queue opens, the page counts down; refusals have clear copy; a refused admission goes back to the queue', async () => {
    const fm = stack.t.fm;
    const host = await makeUser(fm, 'host');
    const [buyer] = await makeBuyers(fm, 1);
    const session = await sessionFor(stack, buyer!);

    // Opens in 2 minutes (sale in 12): a countdown to the waiting room, no join yet.
    const later = await makeShowcaseSale(stack, host, {
      startsAt: fm.clock.now() + 12 * 60_000,
      items: [{ stock: 5 }],
      waitingRoom: ROOM,
    });
    const { page, ctx, errors } = await openPage(stack, session);
    await page.goto(`/sales/${later.id}`);
    await waitForAttr(page, '[data-testid="queue-button"]', 'data-state', 'locked');
    expect(await page.getByTestId('queue-button').textContent()).toMatch(/Waiting room opens in/);
    await page.goto(`/sales/${later.id}/queue`);
    await page.getByTestId('queue-not-open').waitFor();
    expect(await page.getByTestId('queue-opens-countdown').textContent()).toMatch(/^0[12]:\d\d$/);

    // A live drop: every refusal of the join, substituted, shows its message.
    const sale = await makeShowcaseSale(stack, host, { items: [{ stock: 5 }], waitingRoom: ROOM });
    // Paused: once the buyer has a place, it stays on screen.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    const refuse = async (problem: Record<string, unknown>, times = 1) => {
      let left = times;
      await page.route('**/queue', async (route) => {
        if (route.request().method() !== 'POST' || left <= 0) return route.fallback();
        left -= 1;
        await route.fulfill({
          status: problem.status as number,
          contentType: 'application/problem+json',
          body: JSON.stringify(problem),
        });
      });
    };
    const seen: Record<string, string> = {};
    for (const p of [
      { code: 'pow_invalid', status: 403, title: 'x' },
      { code: 'pow_insufficient', status: 403, title: 'x' },
      { code: 'pow_expired', status: 410, title: 'x' },
      { code: 'rate_limited', status: 429, title: 'x', retryAfterSeconds: 30 },
      { code: 'unavailable', status: 503, title: 'x' },
    ]) {
      // pow_expired is solved again once by itself: refuse twice to see the message.
      await refuse(p, p.code === 'pow_expired' ? 2 : 1);
      await page.goto(`/sales/${sale.id}/queue`);
      const el = page.locator(`[data-testid="queue-problem"][data-code="${p.code}"]`);
      await el.waitFor();
      seen[p.code] = (await el.textContent()) ?? '';
      await page.unroute('**/queue');
    }
    expect(seen.pow_invalid).toContain("That check didn't go through");
    expect(seen.pow_insufficient).toContain('needs a little more work');
    expect(seen.pow_expired).toContain('The check took too long');
    expect(seen.rate_limited).toContain('Try again in 30 s');
    expect(seen.unavailable).toContain('Busy moment');

    // pow_expired once: a fresh challenge is solved by itself and the buyer gets a place.
    let challenges = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/queue/challenge')) challenges += 1;
    });
    await refuse({ code: 'pow_expired', status: 410, title: 'x' }, 1);
    await page.goto(`/sales/${sale.id}/queue`);
    await page.getByTestId('queue-position').waitFor();
    expect(challenges).toBe(2);
    await page.unroute('**/queue');

    // Try again after a refusal joins (the button).
    await page.evaluate((id) => localStorage.removeItem(`flashmob.queue.${id}`), sale.id);
    await refuse({ code: 'pow_invalid', status: 403, title: 'x' }, 1);
    await page.reload();
    await page.getByTestId('queue-retry').click();
    await page.getByTestId('queue-position').waitFor();
    await page.unroute('**/queue');

    // no_waiting_room: straight to the drop page.
    await page.evaluate((id) => localStorage.removeItem(`flashmob.queue.${id}`), sale.id);
    await refuse({ code: 'no_waiting_room', status: 404, title: 'x' }, 1);
    await page.reload();
    await page.waitForURL((u) => u.pathname === `/sales/${sale.id}`);
    await page.unroute('**/queue');

    // An admission the server refuses (not_admitted): the message, then back to the queue.
    await page.evaluate(
      ([id, user]) => {
        localStorage.setItem(
          `flashmob.queue.${id}`,
          JSON.stringify({
            userId: user,
            saleId: id,
            ticket: 'tkt_0000000000000000',
            admission: { token: 'not-a-token', expiresAt: new Date(Date.now() + 300_000).toISOString() },
            savedAt: Date.now(),
          }),
        );
      },
      [sale.id, buyer!.id],
    );
    await page.goto(`/sales/${sale.id}`);
    await page.getByTestId('admission-banner').waitFor();
    await page.getByTestId('claim-button').click();
    const problem = page.locator('[data-testid="claim-problem"][data-code="not_admitted"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('waiting room');
    await page.waitForURL((u) => u.pathname === `/sales/${sale.id}/queue`);
    // The stored ticket was not this buyer's: the page joins again and shows the real place.
    await page.getByTestId('queue-position').waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - screenshots of the queue page: waiting and admitted, phone and desktop', async () => {
    const fm = stack.t.fm;
    const host = await makeUser(fm, 'host');
    const sale: Sale = await makeShowcaseSale(stack, host, {
      title: 'Aurora Runner — Midnight Drop',
      hashtags: ['sneakers', 'drop'],
      items: [
        { title: 'Aurora Runner — Limited', stock: 120, priceCents: 18_900, imageUrl: '/demo/sneaker.svg' },
      ],
      waitingRoom: { ...ROOM, admitPerMinute: 600, maxActive: 24 },
    });
    // A crowd ahead: 60 in line while paused; the buyer joins behind them.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    for (const b of await makeBuyers(fm, 60)) await joinByApi(sale.id, b);
    const [buyer] = await makeBuyers(fm, 1);
    const { page, ctx, errors } = await openPage(stack, {
      viewport: PHONE,
      ...(await sessionFor(stack, buyer!)),
    });
    await page.goto(`/sales/${sale.id}/queue`);
    await waitForAttr(page, '[data-testid="queue-position"]', 'data-position', '61');
    // The line moves until 24 are shopping: the place counts down to 37.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: false });
    await waitForAttr(page, '[data-testid="queue-position"]', 'data-position', '37', 15_000);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="queue-position"]')?.textContent === '37',
    );
    await page.waitForTimeout(1_200); // the ring's transition
    await screenshot(page, 'queue-waiting-phone');
    await page.setViewportSize(DESKTOP);
    await page.waitForTimeout(300);
    await screenshot(page, 'queue-waiting-desktop');
    // Paused by the host.
    await page.setViewportSize(PHONE);
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    await waitForAttr(page, '[data-testid="queue-waiting"]', 'data-state', 'paused', 5_000);
    await page.waitForTimeout(600);
    await screenshot(page, 'queue-paused-phone');

    // The host's queue panel for this line.
    const h = await openPage(stack, { viewport: DESKTOP, ...(await sessionFor(stack, host)) });
    await h.page.goto(`/host/sales/${sale.id}`);
    await h.page
      .getByTestId('queue-panel')
      .getByTestId('queue-length')
      .getByText('37', { exact: true })
      .waitFor();
    await h.page.getByTestId('queue-panel').scrollIntoViewIfNeeded();
    await h.page.waitForTimeout(400);
    await screenshot(h.page, 'host-queue-desktop');
    expect(h.errors).toEqual([]);
    await h.ctx.close();

    // Admitted: a second drop where the buyer is first in line.
    const next = await makeShowcaseSale(stack, host, {
      title: 'Midnight Vinyl — Signed',
      items: [
        { title: 'Midnight Vinyl — Signed LP', stock: 12, priceCents: 4_500, imageUrl: '/demo/vinyl.svg' },
      ],
      waitingRoom: ROOM,
    });
    await page.setViewportSize(PHONE);
    await page.goto(`/sales/${next.id}/queue`);
    await page.getByTestId('queue-admitted').waitFor({ timeout: 10_000 });
    // Loaded already admitted: no confetti, no redirect; a still page to photograph.
    await page.reload();
    await page.getByTestId('queue-admitted').waitFor();
    await page.waitForTimeout(400);
    await screenshot(page, 'queue-admitted-phone');
    await page.setViewportSize(DESKTOP);
    await page.waitForTimeout(300);
    await screenshot(page, 'queue-admitted-desktop');

    // Before the drop: the pre-open draw.
    const soon = await makeShowcaseSale(stack, host, {
      title: 'Glow Serum Trio — Dawn Drop',
      startsAt: fm.clock.now() + 150_000,
      items: [{ title: 'Glow Serum Trio', stock: 300, priceCents: 3_900, imageUrl: '/demo/serum.svg' }],
      waitingRoom: ROOM,
    });
    await page.setViewportSize(PHONE);
    await page.goto(`/sales/${soon.id}/queue`);
    await page.getByTestId('queue-draw-countdown').waitFor();
    await page.waitForTimeout(400);
    await screenshot(page, 'queue-preopen-phone');

    // The proof-of-work step (held on screen by a slow challenge).
    const slow = await makeShowcaseSale(stack, host, {
      title: 'Pixel Console — Restock',
      items: [{ title: 'Pixel Console', stock: 40, priceCents: 29_900, imageUrl: '/demo/console.svg' }],
      waitingRoom: ROOM,
    });
    await page.route('**/queue/challenge', async (route) => {
      await new Promise((r) => setTimeout(r, 2_500));
      await route.fallback();
    });
    await page.goto(`/sales/${slow.id}/queue`);
    await page.getByTestId('queue-checking').waitFor();
    await page.waitForTimeout(600);
    await screenshot(page, 'queue-checking-phone');
    await page.getByTestId('queue-admitted').waitFor({ timeout: 10_000 });
    await page.unroute('**/queue/challenge');

    const docs = path.resolve(import.meta.dirname, '../../docs/screenshots');
    mkdirSync(docs, { recursive: true });
    copyFileSync(
      path.resolve(import.meta.dirname, '../../artifacts/screenshots/queue-waiting-phone.png'),
      path.join(docs, 'queue-phone.png'),
    );
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
