import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/commands/seed-demo.ts';
import type { Sale } from '../../src/modules/sales/types.ts';
import type { Show } from '../../src/modules/shows/types.ts';
import { makeBuyers, makeUser } from '../factories/index.ts';
import { openSocket, type TestSocket } from '../helpers/ws-client.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE } from './browser-helpers.ts';
import { crowdClaims, lists, waitForTrending } from './crowd.ts';
import { ADA, fillShipping, signInWithPassword } from './page-flows.ts';
import { chooseScreenshotDir, screenshot } from './screenshots-dir.ts';

/**
 * The main pages at phone (390×844) and desktop (1280×800) sizes, on the demo data, into the
 * run's screenshot folder (a temporary one unless SCREENSHOT_DIR says; `npm run screenshots`
 * also refreshes the ones docs/screenshots/ shows). Also a smoke test: every page renders
 * without errors.
 */
const app = bootBrowserApp('screenshots');
let host: { email: string; password: string };
let live: Sale;
let upcoming: Sale;
const watchers: TestSocket[] = [];

beforeAll(async () => {
  const creds = await seedDemo(app.fm);
  if (!creds) throw new Error('demo data was not seeded');
  host = creds;
  const sales = (await app.t.http('GET', '/api/sales')).json() as Sale[];
  live = sales.find((s) => s.status === 'live')!;
  upcoming = sales.find((s) => s.status === 'scheduled')!;
  // A crowd: some units gone, and a few dozen people watching.
  const crowd = await makeBuyers(app.fm, 40);
  for (const [i, b] of crowd.entries()) {
    const sku = i < 37 ? 'AUR-RUN-42' : 'MID-VINYL-SGN';
    await app.t.http('POST', `/api/sales/${live.id}/claims`, {
      token: b.token,
      body: { sku, quantity: 1, idempotencyKey: `crowd-${i}` },
    });
  }
  // Two more parties of the demo host beside the demo's daily one: a weekly one whose next start
  // is days away (no sale yet) and a paused one. Neither creates a sale, so the drops stay as seeded.
  const login = (
    await app.t.http('POST', '/api/auth/login', { body: { email: host.email, password: host.password } })
  ).json() as { token: string };
  const today = new Date(app.fm.clock.now()).getUTCDay();
  const party = (title: string, weekdays: number[], time: string) =>
    app.t.http('POST', '/api/parties', {
      token: login.token,
      body: {
        title,
        description: 'A weekly restock at the same time, same place.',
        hashtags: ['party'],
        recurrence: { frequency: 'weekly', weekdays, time, timeZone: 'America/New_York' },
        durationMinutes: 60,
        items: [{ sku: 'AUR-RUN-42', stock: 20, perBuyerLimit: 1 }],
      },
    });
  const weekly = await party('Sneaker Restock Party', [(today + 3) % 7, (today + 5) % 7], '18:00');
  expect(weekly.statusCode).toBe(201);
  const paused = await party('Beauty Brunch', [(today + 4) % 7], '11:30');
  await app.t.http('PATCH', `/api/parties/${paused.json().id}`, {
    token: login.token,
    body: { state: 'paused' },
  });
  // The crowd made the live drop the hottest thing: the home page's "Trending now" lists it.
  await waitForTrending(app.t, lists([live.id]));
  for (let i = 0; i < 36; i++) {
    const s = await openSocket(app.base);
    s.send({ op: 'sub', ch: `sale:${live.id}` });
    watchers.push(s);
  }
});

afterAll(async () => {
  for (const w of watchers) w.close();
});

describe('screenshots', () => {
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`web - the main pages render at ${size} size (${viewport.width}×${viewport.height})`, async () => {
      const [buyer] = await makeBuyers(app.fm, 1);
      const { page, ctx, errors } = await app.signedIn(buyer!, { viewport });
      const shot = (name: string) => screenshot(page, `${name}-${size}`);

      await page.goto('/');
      await page.getByTestId(`sale-card-${live.id}`).waitFor();
      await page.waitForTimeout(600); // images and the first frames of the stock bars
      await shot('home');
      await page.getByTestId('parties').scrollIntoViewIfNeeded();
      await page.getByTestId('party-countdown').first().waitFor();
      await page.waitForTimeout(300);
      await shot('home-parties');
      await page.getByTestId('party-sale-link').first().click();
      await page.getByTestId('sale-party').waitFor();
      await page.waitForTimeout(400);
      await shot('sale-party');

      await page.goto(`/sales/${upcoming.id}`);
      await page.getByTestId('sale-countdown').waitFor();
      await page.waitForTimeout(400);
      await shot('sale-upcoming');

      await page.goto(`/sales/${live.id}`);
      await page.getByTestId('viewers').waitFor();
      await page.getByTestId('item-AUR-RUN-43').click();
      await page.getByTestId('claim-button').click();
      await page.getByTestId('hold-timer').waitFor();
      await page.waitForTimeout(500);
      await shot('sale-hold');

      await page.getByTestId('hold-checkout').click();
      await page.getByTestId('checkout-line').waitFor();
      await fillShipping(page, { ...ADA, email: 'ada@example.com' });
      await page.getByTestId('method-bnpl').check();
      await shot('checkout');

      await page.getByTestId('pay-button').click();
      await page.getByTestId('order-confirmed').waitFor();
      await page.getByTestId('installments').waitFor();
      await shot('order');

      // The host's console, signed in as the demo host.
      await page.evaluate(() => localStorage.clear());
      await signInWithPassword(page, host, '/host/products');
      await page.getByTestId('product-row').first().waitFor();
      await shot('host-products');
      await page.goto(`/host/sales/${live.id}`);
      await page.getByTestId('stat-left').waitFor();
      await page.waitForTimeout(3_500); // one round of stats
      await shot('host-dashboard');
      await page.goto('/host/schedule');
      await page.getByTestId('schedule-form').waitFor();
      await page.getByTestId('sched-include-GLOW-TRIO').check();
      await shot('host-schedule');
      await page.goto('/host/parties');
      await page.getByTestId('host-party-row').nth(2).waitFor();
      await page.waitForTimeout(300);
      await shot('host-parties');
      await page.getByTestId('new-party').click();
      await page.getByTestId('party-form').waitFor();
      await page.getByTestId('party-title').fill('Vinyl Friday');
      await page.getByTestId('party-weekday-1').check();
      await page.getByTestId('party-weekday-5').check();
      await page.getByTestId('party-item-include-MID-VINYL-SGN').check();
      // The rule's card (how often, the days, the time and zone) at the top of the screen.
      await page
        .getByTestId('party-form')
        .locator('section')
        .nth(1)
        .evaluate((el) => {
          el.scrollIntoView();
          window.scrollBy(0, -76); // below the sticky header
        });
      await shot('host-party-new');

      await page.evaluate(() => localStorage.clear());
      await page.goto('/signin');
      await page.getByTestId('auth-panel').waitFor();
      await shot('signin');
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }

  // Trending now, full: three more drops of another host and the demo's live show warmed by claims
  // (made after the shots above, which keep the demo's own drops), five places and their hashtags.
  let warmed = false;
  async function warmMore(): Promise<void> {
    if (warmed) return;
    warmed = true;
    const other = await makeUser(app.fm, 'host');
    const drops = [
      { title: 'Glow Serum Trio — Restock', tags: ['beauty', 'skincare'], image: 'serum', n: 9 },
      { title: 'Retro Mini Console', tags: ['gaming', 'retro'], image: 'console', n: 5 },
      { title: 'Signed Vinyl Box Set (Limited Edition)', tags: ['vinyl'], image: 'vinyl', n: 3 },
    ];
    const ids: string[] = [];
    for (const d of drops) {
      const sale = await app.sale(other, {
        title: d.title,
        hashtags: d.tags,
        items: [{ stock: 40, perBuyerLimit: 1, priceCents: 5_900, imageUrl: `/demo/${d.image}.svg` }],
      });
      await crowdClaims(app.t, { saleId: sale.id, sku: sale.items[0]!.sku, buyers: d.n });
      ids.push(sale.id);
    }
    const show = ((await app.t.http('GET', '/api/shows?status=live')).json() as Show[])[0]!;
    await crowdClaims(app.t, { saleId: show.saleId, sku: show.featured!.sku, buyers: 7 });
    await waitForTrending(app.t, lists(ids, [show.id]));
  }

  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`web - the trending section at ${size} size`, async () => {
      await warmMore();
      const { page, ctx, errors } = await app.open({ viewport });
      await page.goto('/');
      const section = page.getByTestId('trending');
      await section.waitFor();
      await section.locator('[data-rank="5"]').waitFor();
      expect(await section.locator('[data-rank]').count()).toBe(5);
      await section.evaluate((el) => {
        el.scrollIntoView();
        window.scrollBy(0, -76); // below the sticky header
      });
      await page.waitForTimeout(400); // the thumbnails
      await screenshot(page, `home-trending-${size}`);
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }

  it('web - the PWA manifest and icons are served', async () => {
    const manifest = await (await fetch(`${app.base}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ short_name: 'Flashmob', display: 'standalone', theme_color: '#0b0b10' });
    for (const icon of manifest.icons as Array<{ src: string }>) {
      expect((await fetch(`${app.base}${icon.src}`)).status).toBe(200);
    }
    for (const demo of ['sneaker', 'vinyl', 'serum', 'console']) {
      const res = await fetch(`${app.base}/demo/${demo}.svg`);
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${app.base}/sw.js`)).status).toBe(200);
    // A run's pictures go to a temporary folder of its own, unless SCREENSHOT_DIR names one.
    expect(chooseScreenshotDir({})).toContain(path.join(os.tmpdir(), 'flashmob-screenshots', ''));
    expect(chooseScreenshotDir({ SCREENSHOT_DIR: 'shots' })).toBe(path.resolve('shots'));
  });
});
