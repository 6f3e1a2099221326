import { describe, expect, it } from 'vitest';
import { makeBuyers, makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE, waitForAttr } from './browser-helpers.ts';
import { payWithCard } from './page-flows.ts';
import { joinByApi, NO_POW, ROOM } from './queue.ts';

/**
 * The waiting room in the browser: the buyer's queue page (proof of work, live place, pauses,
 * "It's your turn!", claiming with the admission) and the host's queue panel steering it. The
 * page before the opening, its refusals and its screenshots are in waiting-room-pages.test.ts.
 */
const app = bootBrowserApp('waiting-room');

async function waitUntil(check: () => Promise<boolean>, timeout = 10_000): Promise<void> {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('waiting room', () => {
  it('web - a buyer waits in a queue, is admitted, claims and checks out', async () => {
    const fm = app.fm;
    const host = await makeUser(fm, 'host');
    const sale = await app.sale(host, {
      title: 'Velvet Rope Drop',
      items: [{ stock: 20, perBuyerLimit: 2, priceCents: 18_900, imageUrl: '/demo/sneaker.svg' }],
      waitingRoom: ROOM,
    });
    const sku = sale.items[0]!.sku;
    // Paused: the buyer gets a place and keeps it until the host resumes.
    await fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    const { page, ctx, errors } = await app.open();

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
    await page.getByTestId('checkout-line').first().waitFor();
    await payWithCard(page, {
      name: 'Rosa Queue',
      email: 'rosa@example.com',
      line1: '5 Velvet Rope Lane',
      city: 'Springfield',
      postal: '12345',
    });
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'shipped');
    const orderId = page.url().split('/orders/')[1]!.split('?')[0]!;
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('flashmob.session')!).token as string,
    );
    const order = (await app.t.http('GET', `/api/orders/${orderId}`, { token })).json();
    expect(order.state).toBe('shipped');
    expect(order.lines[0].sku).toBe(sku);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - the host pauses the queue from the console and the buyer sees it paused; then a new rate and resume', async () => {
    const fm = app.fm;
    const host = await makeUser(fm, 'host');
    // One shopper at a time: the first buyer is admitted, the next one waits at #1.
    const sale = await app.sale(host, {
      title: 'Host Pause Drop',
      items: [{ stock: 10, imageUrl: '/demo/vinyl.svg' }],
      waitingRoom: { ...NO_POW, maxActive: 1 },
    });
    const [first, buyer] = await makeBuyers(fm, 2);
    const firstTicket = await joinByApi(app.t, sale.id, first!);
    await waitUntil(async () => {
      const s = await app.t.http('GET', `/api/sales/${sale.id}/queue/${firstTicket.ticket}`, {
        token: first!.token,
      });
      return s.json().state === 'admitted';
    });

    const b = await app.signedIn(buyer!, { viewport: PHONE });
    await b.page.goto(`/sales/${sale.id}/queue`);
    await waitForAttr(b.page, '[data-testid="queue-position"]', 'data-position', '1');
    await waitForAttr(b.page, '[data-testid="queue-waiting"]', 'data-state', 'waiting');
    expect(await b.page.getByTestId('queue-ahead').textContent()).toContain('you are next');

    const h = await app.signedIn(host, { viewport: DESKTOP });
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
});
