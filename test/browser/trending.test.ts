import { describe, expect, it } from 'vitest';
import type { Sale } from '../../src/modules/sales/types.ts';
import { type Actor, makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE, waitForAttr } from './browser-helpers.ts';
import { crowdClaims, lists, trending, waitForTrending } from './crowd.ts';
import { featureInShow, makeLiveShow, makeProduct } from './showcase.ts';

/**
 * "Trending now" on the home page (GET /api/trending): absent on a fresh server, then the sale
 * and the show that buyers claim from, ranked, with their hashtags as chips that filter the page,
 * each linking to its page. The `trending` consumer warms them from the event log a moment after
 * the claims; the tests poll the API until it lists them before loading the page.
 */
const app = bootBrowserApp('trending');

/** A live show featuring a product of its host. */
async function liveShow(host: Actor, title: string, hashtags: string[]) {
  const sku = await makeProduct(app.fm, host, {
    title: 'Signed LP',
    hashtags,
    imageUrl: '/demo/vinyl.svg',
    priceCents: 4_900,
    variant: 'LP',
  });
  const show = await makeLiveShow(app.t, host, { title, hashtags });
  await featureInShow(app.t, host, show.id, { sku, stock: 40, priceCents: 4_900 });
  return { show, sku };
}

const claims = (saleId: string, sku: string, buyers: number, quantity = 1) =>
  crowdClaims(app.t, { saleId, sku, buyers, quantity });

let cold: Sale;

describe('trending now', () => {
  it('web - a fresh server (no claims yet) has no Trending now section, and the rest of the home page is there', async () => {
    const host = await makeUser(app.fm, 'host');
    cold = await app.sale(host, {
      title: 'Quiet Drop',
      hashtags: ['quiet'],
      items: [{ stock: 30, imageUrl: '/demo/serum.svg' }],
    });
    expect(await trending(app.t)).toMatchObject({ sales: [], shows: [], tags: [] });

    const { page, ctx, errors } = await app.open({ viewport: PHONE });
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
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      title: 'Aurora Runner Restock',
      hashtags: ['hotkicks', 'drop'],
      items: [{ stock: 60, perBuyerLimit: 3, imageUrl: '/demo/sneaker.svg' }],
    });
    const { show, sku: showSku } = await liveShow(host, 'Crate Digging LIVE', ['vinyl']);
    // The sale: 6 buyers × 2 units (heat 12); the show: 3 claims of one unit (heat 3).
    await claims(sale.id, sale.items[0]!.sku, 6, 2);
    await claims(show.saleId, showSku, 3);
    const hot = await waitForTrending(app.t, lists([sale.id], [show.id]));
    expect(hot.sales.map((s) => s.sale.id)).toEqual([sale.id]); // the quiet drop never warmed
    expect(hot.sales[0]!.heat).toBeGreaterThan(hot.shows[0]!.heat);
    expect(hot.tags.map((t) => t.tag)).toEqual(expect.arrayContaining(['hotkicks', 'drop']));

    const { page, ctx, errors } = await app.open({ viewport: PHONE });
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
    const hot = (await trending(app.t)).sales[0]!.sale;
    const { page, ctx, errors } = await app.open({ viewport: PHONE });
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
    expect((await trending(app.t)).sales.length).toBeGreaterThan(0); // the server has something hot now
    for (const answer of [
      {
        status: 200,
        body: { halfLifeMinutes: 10, sales: [], shows: [], tags: [], serverTime: new Date().toISOString() },
      },
      { status: 503, body: { title: 'Unavailable', status: 503, code: 'unavailable' } },
      { status: 200, body: { unexpected: true } },
    ]) {
      const { page, ctx, errors } = await app.open({ viewport: DESKTOP });
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
