import { describe, expect, it } from 'vitest';
import type { Sale } from '../../src/modules/sales/types.ts';
import { makeBuyers, makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE, waitForAttr } from './browser-helpers.ts';
import { joinByApi, ROOM } from './queue.ts';
import { screenshot } from './screenshots-dir.ts';

/**
 * The waiting room's pages in their other states: the countdown before the line opens, every
 * refusal's copy, an admission the server refuses; and screenshots of the queue page (waiting,
 * paused, admitted, before the opening, the proof of work) at phone and desktop sizes.
 */
const app = bootBrowserApp('waiting-room-pages');

describe('waiting room pages', () => {
  it('web - before the queue opens, the page counts down; refusals have clear copy; a refused admission goes back to the queue', async () => {
    const fm = app.fm;
    const host = await makeUser(fm, 'host');
    const [buyer] = await makeBuyers(fm, 1);
    const session = await app.session(buyer!);

    // Opens in 2 minutes (sale in 12): a countdown to the waiting room, no join yet.
    const later = await app.sale(host, {
      startsAt: fm.clock.now() + 12 * 60_000,
      items: [{ stock: 5 }],
      waitingRoom: ROOM,
    });
    const { page, ctx, errors } = await app.open(session);
    await page.goto(`/sales/${later.id}`);
    await waitForAttr(page, '[data-testid="queue-button"]', 'data-state', 'locked');
    expect(await page.getByTestId('queue-button').textContent()).toMatch(/Waiting room opens in/);
    await page.goto(`/sales/${later.id}/queue`);
    await page.getByTestId('queue-not-open').waitFor();
    expect(await page.getByTestId('queue-opens-countdown').textContent()).toMatch(/^0[12]:\d\d$/);

    // A live drop: every refusal of the join, substituted, shows its message.
    const sale = await app.sale(host, { items: [{ stock: 5 }], waitingRoom: ROOM });
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
    const fm = app.fm;
    const host = await makeUser(fm, 'host');
    const sale: Sale = await app.sale(host, {
      title: 'Aurora Runner — Midnight Drop',
      hashtags: ['sneakers', 'drop'],
      items: [
        { title: 'Aurora Runner — Limited', stock: 120, priceCents: 18_900, imageUrl: '/demo/sneaker.svg' },
      ],
      waitingRoom: { ...ROOM, admitPerMinute: 600, maxActive: 24 },
    });
    // A crowd ahead: 60 in line while paused; the buyer joins behind them.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    for (const b of await makeBuyers(fm, 60)) await joinByApi(app.t, sale.id, b);
    const [buyer] = await makeBuyers(fm, 1);
    const { page, ctx, errors } = await app.signedIn(buyer!, { viewport: PHONE });
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
    const h = await app.signedIn(host, { viewport: DESKTOP });
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
    const next = await app.sale(host, {
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
    const soon = await app.sale(host, {
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
    const slow = await app.sale(host, {
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
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
