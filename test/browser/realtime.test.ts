import { describe, expect, it } from 'vitest';
import { makeBuyers, makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, waitForAttr } from './browser-helpers.ts';

const app = bootBrowserApp('realtime');

/** Reads a countdown's exact time left, and the real instant (performance clock) it was computed at. */
const readCountdown = (testId: string) => {
  const el = document.querySelector(`[data-testid="${testId}"]`) as HTMLElement | null;
  return {
    msLeft: Number(el?.dataset.msLeft),
    at: Number(el?.dataset.at),
    text: el?.textContent ?? '',
    localSkew: Date.now() - (performance.timeOrigin + performance.now()),
  };
};

describe('real time in the browser', () => {
  it('web - two buyers on the same sale see the stock fall live when a third party claims through the API', async () => {
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      items: [{ stock: 10, perBuyerLimit: 5, imageUrl: '/demo/console.svg' }],
    });
    const sku = sale.items[0]!.sku;
    const a = await app.open();
    const b = await app.open({ viewport: DESKTOP });
    await Promise.all([a.page.goto(`/sales/${sale.id}`), b.page.goto(`/sales/${sale.id}`)]);
    const stock = `[data-testid="stock-${sku}"]`;
    await Promise.all([
      waitForAttr(a.page, stock, 'data-remaining', '10'),
      waitForAttr(b.page, stock, 'data-remaining', '10'),
    ]);
    // Both are subscribed: presence counts them.
    await waitForAttr(a.page, '[data-testid="viewers"]', 'data-viewers', '2');

    const [third] = await makeBuyers(app.fm, 1);
    const started = Date.now();
    const res = await app.t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: third!.token,
      body: { sku, quantity: 3, idempotencyKey: 'third-party-1' },
    });
    expect(res.statusCode).toBe(201);
    await Promise.all([
      waitForAttr(a.page, stock, 'data-remaining', '7'),
      waitForAttr(b.page, stock, 'data-remaining', '7'),
    ]);
    const latency = Date.now() - started;
    expect(latency).toBeLessThan(3_000);
    expect(await a.page.locator(stock).textContent()).toContain('7 of 10 left');

    // Down to the last units: "Only N left!", then SOLD OUT on both screens.
    await app.t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: third!.token,
      body: { sku, quantity: 2, idempotencyKey: 'third-party-2' },
    });
    await waitForAttr(b.page, stock, 'data-remaining', '5');
    const [fourth] = await makeBuyers(app.fm, 1);
    await app.t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: fourth!.token,
      body: { sku, quantity: 3, idempotencyKey: 'fourth-1' },
    });
    await waitForAttr(a.page, stock, 'data-remaining', '2');
    expect(await a.page.locator(stock).textContent()).toContain('Only 2 left!');
    await app.t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: fourth!.token,
      body: { sku, quantity: 2, idempotencyKey: 'fourth-2' },
    });
    await Promise.all([
      waitForAttr(a.page, stock, 'data-remaining', '0'),
      waitForAttr(b.page, stock, 'data-remaining', '0'),
    ]);
    expect(await b.page.locator(stock).textContent()).toContain('SOLD OUT');
    await b.page.getByTestId('waitlist-button').waitFor();
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.ctx.close();
    await b.ctx.close();
  });

  it('web - countdowns on two devices whose clocks differ by 7 s agree within 100 ms, and claim unlocks at the opening', async () => {
    const host = await makeUser(app.fm, 'host');
    const opensAt = app.fm.clock.now() + 12_000;
    const sale = await app.sale(host, {
      startsAt: opensAt,
      items: [{ stock: 5, imageUrl: '/demo/serum.svg' }],
    });
    const right = await app.open();
    const skewed = await app.open({ viewport: DESKTOP });
    // This device's clock runs 7 s fast.
    await skewed.ctx.addInitScript(() => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() + 7_000;
    });
    await Promise.all([right.page.goto(`/sales/${sale.id}`), skewed.page.goto(`/sales/${sale.id}`)]);
    await Promise.all([
      right.page.getByTestId('sale-countdown').waitFor(),
      skewed.page.getByTestId('sale-countdown').waitFor(),
    ]);
    // Let both estimate the server clock (HTTP at once, then the socket's samples).
    await right.page.waitForTimeout(1_500);

    const diffs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [r, s] = await Promise.all([
        right.page.evaluate(readCountdown, 'sale-countdown'),
        skewed.page.evaluate(readCountdown, 'sale-countdown'),
      ]);
      expect(s.localSkew - r.localSkew).toBeGreaterThan(6_900); // the skew is really there
      // Bring both readings to the same real instant, then compare.
      const t = Math.max(r.at, s.at);
      const rLeft = r.msLeft - (t - r.at);
      const sLeft = s.msLeft - (t - s.at);
      diffs.push(Math.round(Math.abs(rLeft - sLeft)));
      expect(Math.abs(rLeft - sLeft)).toBeLessThan(100);
      expect(rLeft).toBeGreaterThan(0);
      await right.page.waitForTimeout(300);
    }

    console.info(`countdowns of a right and a 7 s fast clock differ by ${diffs.join(', ')} ms`);

    // The claim button is locked until the opening, then unlocks on its own on both devices, at
    // the opening instant of the server's clock (recorded in the page on the real clock).
    const watchUnlock = () => {
      const w = window as unknown as { unlockAt?: number };
      const check = () => {
        const b = document.querySelector('[data-testid="claim-button"]') as HTMLElement | null;
        if (b?.dataset.state === 'open' && !w.unlockAt)
          w.unlockAt = performance.timeOrigin + performance.now();
      };
      new MutationObserver(check).observe(document.body, {
        subtree: true,
        attributes: true,
        childList: true,
      });
      check();
    };
    await Promise.all([right.page.evaluate(watchUnlock), skewed.page.evaluate(watchUnlock)]);
    expect(await right.page.getByTestId('claim-button').isDisabled()).toBe(true);
    expect(await skewed.page.getByTestId('claim-button').isDisabled()).toBe(true);
    await Promise.all([
      waitForAttr(right.page, '[data-testid="claim-button"]', 'data-state', 'open', 20_000),
      waitForAttr(skewed.page, '[data-testid="claim-button"]', 'data-state', 'open', 20_000),
    ]);
    const readUnlock = () => (window as unknown as { unlockAt?: number }).unlockAt ?? 0;
    const [ru, su] = await Promise.all([right.page.evaluate(readUnlock), skewed.page.evaluate(readUnlock)]);
    console.info(
      `claim unlocked ${Math.round(ru - opensAt)} ms and ${Math.round(su - opensAt)} ms after the opening`,
    );
    for (const at of [ru, su]) {
      expect(at - opensAt).toBeGreaterThanOrEqual(-50);
      expect(at - opensAt).toBeLessThan(250);
    }
    expect(await skewed.page.getByTestId('claim-button').isEnabled()).toBe(true);
    await right.ctx.close();
    await skewed.ctx.close();
  });
  it('web - a card on the home page is a glance: only the drop page itself counts as watching', async () => {
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      title: 'Glance Drop',
      items: [{ stock: 10, imageUrl: '/demo/serum.svg' }],
    });
    const a = await app.open({ viewport: DESKTOP });
    await a.page.goto(`/sales/${sale.id}`);
    await waitForAttr(a.page, '[data-testid="viewers"]', 'data-viewers', '1');

    // Someone browsing the home page sees the card (live stock) without being counted.
    const b = await app.open();
    await b.page.goto('/');
    await b.page.getByTestId(`sale-card-${sale.id}`).scrollIntoViewIfNeeded();
    await waitForAttr(b.page, `[data-testid="card-stock-${sale.id}"]`, 'data-remaining', '10');
    await b.page.waitForTimeout(800);
    expect(await a.page.getByTestId('viewers').getAttribute('data-viewers')).toBe('1');

    // Opening the drop counts; going back to the list stops counting.
    await b.page.getByTestId(`sale-card-${sale.id}`).getByRole('link').click();
    await b.page.getByTestId('sale-page').waitFor();
    await waitForAttr(a.page, '[data-testid="viewers"]', 'data-viewers', '2');
    await b.page.goBack();
    await b.page.getByTestId(`sale-card-${sale.id}`).waitFor();
    await waitForAttr(a.page, '[data-testid="viewers"]', 'data-viewers', '1');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.ctx.close();
    await b.ctx.close();
  });
});
