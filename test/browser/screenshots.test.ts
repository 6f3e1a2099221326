import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import type { Sale } from '../../src/modules/sales/types.ts';
import { makeBuyers } from '../factories/index.ts';
import { openSocket, type TestSocket } from '../helpers/ws-client.ts';
import {
  DESKTOP,
  openPage,
  PHONE,
  SCREENSHOTS,
  type Stack,
  screenshot,
  sessionFor,
  startStack,
} from './browser-helpers.ts';

/**
 * The main pages at phone (390×844) and desktop (1280×800) sizes, on the demo data, into
 * artifacts/screenshots/ (gitignored). Also a smoke test: every page renders without errors.
 */
let stack: Stack;
let host: { email: string; password: string };
let live: Sale;
let upcoming: Sale;
const watchers: TestSocket[] = [];

beforeAll(async () => {
  stack = await startStack();
  const creds = await seedDemo(stack.t.fm);
  if (!creds) throw new Error('demo data was not seeded');
  host = creds;
  const sales = (await stack.t.http('GET', '/api/sales')).json() as Sale[];
  live = sales.find((s) => s.status === 'live')!;
  upcoming = sales.find((s) => s.status === 'scheduled')!;
  // A crowd: some units gone, and a few dozen people watching.
  const crowd = await makeBuyers(stack.t.fm, 40);
  for (const [i, b] of crowd.entries()) {
    const sku = i < 37 ? 'AUR-RUN-42' : 'MID-VINYL-SGN';
    await stack.t.http('POST', `/api/sales/${live.id}/claims`, {
      token: b.token,
      body: { sku, quantity: 1, idempotencyKey: `crowd-${i}` },
    });
  }
  for (let i = 0; i < 36; i++) {
    const s = await openSocket(stack.base);
    s.send({ op: 'sub', ch: `sale:${live.id}` });
    watchers.push(s);
  }
});

afterAll(async () => {
  for (const w of watchers) w.close();
  await stack?.close();
});

describe('screenshots', () => {
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`web - the main pages render at ${size} size (${viewport.width}×${viewport.height})`, async () => {
      const [buyer] = await makeBuyers(stack.t.fm, 1);
      const { page, ctx, errors } = await openPage(stack, { viewport, ...(await sessionFor(stack, buyer!)) });
      const shot = (name: string) => screenshot(page, `${name}-${size}`);

      await page.goto('/');
      await page.getByTestId(`sale-card-${live.id}`).waitFor();
      await page.waitForTimeout(600); // images and the first frames of the stock bars
      await shot('home');

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
      await page.getByTestId('ship-name').fill('Ada Lovelace');
      await page.getByTestId('ship-email').fill('ada@example.com');
      await page.getByTestId('ship-line1').fill('12 Analytical Row');
      await page.getByTestId('ship-city').fill('London');
      await page.getByTestId('ship-postal').fill('N1 9GU');
      await page.getByTestId('ship-country').selectOption('GB');
      await page.getByTestId('method-bnpl').check();
      await shot('checkout');

      await page.getByTestId('pay-button').click();
      await page.getByTestId('order-confirmed').waitFor();
      await page.getByTestId('installments').waitFor();
      await shot('order');

      // The host's console, signed in as the demo host.
      await page.evaluate(() => localStorage.clear());
      await page.goto('/signin?next=/host/products');
      await page.getByTestId('tab-signin').click();
      await page.getByTestId('auth-email').fill(host.email);
      await page.getByTestId('auth-password').fill(host.password);
      await page.getByTestId('auth-submit').click();
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

      await page.evaluate(() => localStorage.clear());
      await page.goto('/signin');
      await page.getByTestId('auth-panel').waitFor();
      await shot('signin');
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }

  it('web - the PWA manifest and icons are served', async () => {
    const manifest = await (await fetch(`${stack.base}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ short_name: 'Flashmob', display: 'standalone', theme_color: '#0b0b10' });
    for (const icon of manifest.icons as Array<{ src: string }>) {
      expect((await fetch(`${stack.base}${icon.src}`)).status).toBe(200);
    }
    for (const demo of ['sneaker', 'vinyl', 'serum', 'console']) {
      const res = await fetch(`${stack.base}/demo/${demo}.svg`);
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${stack.base}/sw.js`)).status).toBe(200);
    expect(SCREENSHOTS).toMatch(/artifacts[/\\]screenshots$/);
  });
});
