import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sale } from '../../src/modules/sales/types.ts';
import type { Show } from '../../src/modules/shows/types.ts';
import { type Actor, makeBuyers, makeUser, uniq } from '../factories/index.ts';
import {
  DESKTOP,
  makeShowcaseSale,
  openPage,
  PHONE,
  type Stack,
  screenshot,
  startStack,
  waitForAttr,
} from './browser-helpers.ts';

/**
 * "Trending now" on the home page (GET /api/trending): absent on a fresh server, then the sale
 * and the show that buyers claim from, ranked, with their hashtags as chips that filter the page,
 * each linking to its page. The `trending` consumer warms them from the event log a moment after
 * the claims; the tests poll the API until it lists them before loading the page.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const pages: Page[] = [];
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const [i, p] of pages.entries()) {
      if (!p.isClosed()) await screenshot(p, `failed-trending-${i}`).catch(() => {});
    }
  }
  pages.length = 0;
});

async function open(opts: Parameters<typeof openPage>[1]) {
  const o = await openPage(stack, opts);
  pages.push(o.page);
  return o;
}

interface TrendingAnswer {
  sales: Array<{ heat: number; sale: Sale }>;
  shows: Array<{ heat: number; show: Show }>;
  tags: Array<{ tag: string; heat: number }>;
}

/**
 * The home page's question: each `limit` has its own answer, shared for 2 s, so polling with the
 * page's limit means the page gets this answer or a newer one, never an older one left cached.
 */
async function trending(): Promise<TrendingAnswer> {
  const res = await stack.t.http('GET', '/api/trending?limit=5');
  expect(res.statusCode).toBe(200);
  return res.json() as TrendingAnswer;
}

/** Polls GET /api/trending (answers are shared for 2 s) until `ready` says it lists what we made hot. */
async function waitForTrending(ready: (t: TrendingAnswer) => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const t = await trending();
    if (ready(t)) return t;
    if (Date.now() > until) throw new Error(`not trending after ${timeoutMs} ms: ${JSON.stringify(t)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `n` buyers each claim `quantity` units of `sku`. */
async function claims(saleId: string, sku: string, n: number, quantity = 1) {
  for (const [i, b] of (await makeBuyers(stack.t.fm, n)).entries()) {
    const res = await stack.t.http('POST', `/api/sales/${saleId}/claims`, {
      token: b.token,
      body: { sku, quantity, idempotencyKey: uniq(`hot-${i}-`) },
    });
    expect(res.statusCode).toBe(201);
  }
}

/** A live show featuring a product of its host. */
async function liveShow(
  host: Actor,
  title: string,
  hashtags: string[],
): Promise<{ show: Show; sku: string }> {
  const sku = uniq('TRD-').toUpperCase();
  await stack.t.fm.services.catalog.create(
    { id: host.id, role: 'host', guest: false },
    {
      title: 'Signed LP',
      hashtags,
      imageUrl: '/demo/vinyl.svg',
      variants: [{ sku, title: 'LP', priceCents: 4_900, currency: 'USD' }],
    },
  );
  const created = await stack.t.http('POST', '/api/shows', {
    token: host.token,
    body: { title, startsAt: new Date(stack.t.fm.clock.now()).toISOString(), hashtags },
  });
  expect(created.statusCode).toBe(201);
  const show = created.json() as Show;
  expect((await stack.t.http('POST', `/api/shows/${show.id}/live`, { token: host.token })).statusCode).toBe(
    200,
  );
  const featured = await stack.t.http('POST', `/api/shows/${show.id}/feature`, {
    token: host.token,
    body: { sku, stock: 40, priceCents: 4_900, perBuyerLimit: 2 },
  });
  expect(featured.statusCode).toBe(200);
  return { show, sku };
}

let cold: Sale;

describe('trending now', () => {
  it('web - a fresh server (no claims yet) has no Trending now section, and the rest of the home page is there', async () => {
    const host = await makeUser(stack.t.fm, 'host');
    cold = await makeShowcaseSale(stack, host, {
      title: 'Quiet Drop',
      hashtags: ['quiet'],
      items: [{ stock: 30, imageUrl: '/demo/serum.svg' }],
    });
    expect(await trending()).toMatchObject({ sales: [], shows: [], tags: [] });

    const { page, ctx, errors } = await open({ viewport: PHONE });
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/trending');
    await page.goto('/');
    expect((await answered).status()).toBe(200);
    await page.getByTestId(`sale-card-${cold.id}`).waitFor();
    await page.getByTestId('chip-quiet').waitFor();
    expect(await page.getByTestId('trending').count()).toBe(0);
    expect(await page.getByText('Trending now').count()).toBe(0);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - a sale and a show that buyers claim from are ranked under Trending now with their hashtags; each links to its page', async () => {
    const host = await makeUser(stack.t.fm, 'host');
    const sale = await makeShowcaseSale(stack, host, {
      title: 'Aurora Runner Restock',
      hashtags: ['hotkicks', 'drop'],
      items: [{ stock: 60, perBuyerLimit: 3, imageUrl: '/demo/sneaker.svg' }],
    });
    const { show, sku: showSku } = await liveShow(host, 'Crate Digging LIVE', ['vinyl']);
    // The sale: 6 buyers × 2 units (heat 12); the show: 3 claims of one unit (heat 3).
    await claims(sale.id, sale.items[0]!.sku, 6, 2);
    await claims(show.saleId, showSku, 3);
    const hot = await waitForTrending(
      (t) => t.sales.some((s) => s.sale.id === sale.id) && t.shows.some((s) => s.show.id === show.id),
    );
    expect(hot.sales.map((s) => s.sale.id)).toEqual([sale.id]); // the quiet drop never warmed
    expect(hot.sales[0]!.heat).toBeGreaterThan(hot.shows[0]!.heat);
    expect(hot.tags.map((t) => t.tag)).toEqual(expect.arrayContaining(['hotkicks', 'drop']));

    const { page, ctx, errors } = await open({ viewport: PHONE });
    const asked = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/trending');
    await page.goto('/');
    expect(new URL((await asked).url()).searchParams.get('limit')).toBe('5');
    const section = page.getByTestId('trending');
    await section.waitFor();
    expect(await section.getByRole('heading', { level: 2 }).textContent()).toContain('Trending now');
    const saleEntry = section.getByTestId(`trending-sale-${sale.id}`);
    const showEntry = section.getByTestId(`trending-show-${show.id}`);
    await saleEntry.waitFor();
    await showEntry.waitFor();
    // Ranked by heat across both kinds: the sale first.
    expect(await saleEntry.getAttribute('data-rank')).toBe('1');
    expect(await showEntry.getAttribute('data-rank')).toBe('2');
    expect(Number(await saleEntry.getAttribute('data-heat'))).toBeGreaterThan(0);
    expect(await saleEntry.textContent()).toContain('Aurora Runner Restock');
    expect(await showEntry.textContent()).toContain('Crate Digging LIVE');
    expect(await showEntry.textContent()).toContain('Live');
    expect(await section.getByText(/^Heat \d+$/).count()).toBe(2);
    expect(await section.getByTestId(`trending-sale-${cold.id}`).count()).toBe(0);

    // The hot hashtag is a chip of the page's filter: it filters the drops below, and unsets.
    const chip = section.getByTestId('trending-tag-hotkicks');
    expect(await chip.textContent()).toBe('#hotkicks');
    expect(await section.getByTestId('trending-tag-quiet').count()).toBe(0);
    await chip.click();
    await page.waitForURL((u) => u.searchParams.get('tag') === 'hotkicks');
    await waitForAttr(page, '[data-testid="trending-tag-hotkicks"]', 'aria-pressed', 'true');
    await page.getByTestId(`sale-card-${sale.id}`).waitFor();
    expect(await page.getByTestId(`sale-card-${cold.id}`).count()).toBe(0);
    // No show carries #hotkicks: the shows row is filtered away too.
    expect(await page.getByTestId('shows-row').count()).toBe(0);
    expect(await page.getByTestId('chip-hotkicks').getAttribute('aria-pressed')).toBe('true');
    await chip.click();
    await page.waitForURL((u) => !u.searchParams.has('tag'));
    await page.getByTestId(`sale-card-${cold.id}`).waitFor();
    await page.getByTestId('shows-row').waitFor();

    // The show links to its room; the sale to its page.
    await showEntry.getByRole('link').click();
    await page.waitForURL((u) => u.pathname === `/shows/${show.id}`);
    await page.getByTestId('show-room').waitFor();
    await page.goBack();
    await saleEntry.getByRole('link', { name: 'Aurora Runner Restock' }).click();
    await page.waitForURL((u) => u.pathname === `/sales/${sale.id}`);
    await page.getByTestId('sale-countdown').waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - the section appears without a reload once something is hot (the page asks again every 30 s)', async () => {
    const hot = (await trending()).sales[0]!.sale;
    const { page, ctx, errors } = await open({ viewport: PHONE });
    await page.clock.install();
    // Nothing trending yet as far as this page knows…
    const empty = {
      halfLifeMinutes: 10,
      sales: [],
      shows: [],
      tags: [],
      serverTime: new Date().toISOString(),
    };
    await page.route(
      (u) => u.pathname === '/api/trending',
      (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(empty) }),
    );
    const first = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/trending');
    await page.goto('/');
    await first;
    await page.getByTestId(`sale-card-${cold.id}`).waitFor();
    expect(await page.getByTestId('trending').count()).toBe(0);
    // …then the server's real answer, at the next refresh.
    await page.unrouteAll();
    const again = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/trending');
    await page.clock.fastForward(30_000);
    expect((await again).status()).toBe(200);
    await page.getByTestId(`trending-sale-${hot.id}`).waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - an empty or failed trending answer leaves the section out and the rest of the page works', async () => {
    expect((await trending()).sales.length).toBeGreaterThan(0); // the server has something hot now
    for (const answer of [
      {
        status: 200,
        body: { halfLifeMinutes: 10, sales: [], shows: [], tags: [], serverTime: new Date().toISOString() },
      },
      { status: 503, body: { title: 'Unavailable', status: 503, code: 'unavailable' } },
      { status: 200, body: { unexpected: true } },
    ]) {
      const { page, ctx, errors } = await open({ viewport: DESKTOP });
      await page.route(
        (u) => u.pathname === '/api/trending',
        (route) =>
          route.fulfill({
            status: answer.status,
            contentType: answer.status === 200 ? 'application/json' : 'application/problem+json',
            body: JSON.stringify(answer.body),
          }),
      );
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/trending');
      await page.goto('/');
      expect((await answered).status()).toBe(answer.status);
      await page.getByTestId(`sale-card-${cold.id}`).waitFor();
      await page.getByTestId('live-sales').waitFor();
      await page.getByTestId('tag-chips').waitFor();
      await page.getByTestId('shows-row').waitFor();
      expect(await page.getByTestId('trending').count()).toBe(0);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });
});
