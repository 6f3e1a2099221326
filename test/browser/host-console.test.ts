import { describe, expect, it } from 'vitest';
import { makeBuyers, makeUser, uniq } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, waitForAttr } from './browser-helpers.ts';
import { signInWithPassword } from './page-flows.ts';

const app = bootBrowserApp('host-console');

describe('host console', () => {
  it('web - a host signs in, creates a product, schedules a sale and watches its live numbers', async () => {
    const host = await app.account('Hana Host', 'host');
    const { page, ctx, errors } = await app.open({ viewport: DESKTOP });

    await signInWithPassword(page, host, '/host/products');
    await page.waitForURL((u) => u.pathname === '/host/products');
    await page.getByTestId('host-products').waitFor();

    // A product with one variant, hashtags and a demo image.
    const sku = uniq('HANA-').toUpperCase();
    await page.getByTestId('new-product').click();
    const form = page.getByTestId('product-form');
    await form.getByTestId('product-title').fill('Hana Hoodie — Drop 01');
    await form.getByTestId('product-tags').fill('#streetwear #drop');
    await form.getByRole('button', { name: 'Use console.svg' }).click();
    expect(await form.getByTestId('product-image').inputValue()).toBe('/demo/console.svg');
    await form.getByTestId('variant-sku-0').fill(sku);
    await form.getByTestId('variant-title-0').fill('Size M');
    await form.getByTestId('variant-price-0').fill('abc');
    await form.getByTestId('product-save').click();
    await form.getByText('A price like 49 or 49.99.').waitFor();
    await form.getByTestId('variant-price-0').fill('79.50');
    await form.getByTestId('product-save').click();
    await page.getByTestId('product-saved').waitFor();
    expect(await page.getByTestId('product-row').first().textContent()).toContain('Hana Hoodie');

    // Edit it: a new price.
    await page.getByRole('button', { name: 'Edit Hana Hoodie — Drop 01' }).click();
    await page.getByTestId('product-form').getByTestId('variant-price-0').fill('74');
    await page.getByTestId('product-form').getByTestId('product-save').click();
    await page.getByTestId('product-saved').waitFor();
    expect(await page.getByTestId('product-row').first().textContent()).toContain('$74');

    // Schedule a sale of it, open right away.
    await page.getByTestId('host-tab-schedule').click();
    await page.getByTestId('schedule-form').waitFor();
    await page.getByTestId('sale-title').fill('Hana Drop 01');
    await page.getByTestId('sale-tags').fill('#streetwear');
    await page.getByTestId('sale-start-now').check();
    await page.getByTestId(`sched-include-${sku}`).check();
    await page.getByTestId(`sched-stock-${sku}`).fill('25');
    await page.getByTestId(`sched-limit-${sku}`).fill('2');
    await page.getByTestId(`sched-price-${sku}`).fill('59');
    await page.getByTestId('sale-waiting-room').check();
    await page.getByTestId('sale-waiting-room').uncheck();
    await page.getByTestId('schedule-submit').click();

    await page.waitForURL((u) => /^\/host\/sales\/sal_/.test(u.pathname));
    await page.getByTestId('sale-created').waitFor();
    const saleId = page.url().split('/host/sales/')[1]!.split('?')[0]!;
    const sale = (await app.t.http('GET', `/api/sales/${saleId}`)).json();
    expect(sale.title).toBe('Hana Drop 01');
    expect(sale.hashtags).toEqual(['streetwear']);
    expect(sale.items).toHaveLength(1);
    expect(sale.items[0]).toMatchObject({ sku, stock: 25, perBuyerLimit: 2, priceCents: 5_900 });
    expect(sale.status).toBe('live');

    // The dashboard: units left live from the sale channel, claims and revenue from /stats.
    await page.getByTestId('stat-left').getByText('25 / 25').waitFor();
    const [buyer] = await makeBuyers(app.fm, 1);
    const claim = await app.t.http('POST', `/api/sales/${saleId}/claims`, {
      token: buyer!.token,
      body: { sku, quantity: 2, idempotencyKey: 'dash-1' },
    });
    expect(claim.statusCode).toBe(201);
    await page.getByTestId('stat-left').getByText('23 / 25').waitFor({ timeout: 5_000 });
    await waitForAttr(page, `[data-testid="dash-stock-${sku}"]`, 'data-remaining', '23');
    await page.getByTestId('stat-claims').getByText('1', { exact: true }).waitFor({ timeout: 10_000 });

    // Pay for it: units sold and revenue follow.
    const res = claim.json().reservation;
    const paid = await app.t.http('POST', '/api/checkout', {
      token: buyer!.token,
      body: {
        reservationIds: [res.id],
        payment: { method: 'card', token: 'tok_visa' },
        shipping: {
          name: 'B',
          line1: '1 St',
          city: 'X',
          postalCode: '1',
          country: 'US',
          email: 'b@example.com',
        },
      },
    });
    expect(paid.statusCode).toBe(201);
    await page.getByTestId('stat-sold').getByText('2', { exact: true }).waitFor({ timeout: 10_000 });
    await page.getByTestId('stat-revenue').getByText('$118').waitFor({ timeout: 10_000 });

    // The sale is in the host's list, and buyers see it on the home page.
    await page.getByTestId('host-tab-sales').click();
    await page.getByTestId('host-sale-row').getByText('Hana Drop 01').waitFor();
    await page.goto('/');
    await page.getByTestId(`sale-card-${saleId}`).waitFor();
    await page.getByTestId('chip-streetwear').click();
    expect(await page.locator('[data-testid^="sale-card-"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - the console is for hosts only; buyers get a clear message', async () => {
    const [buyer] = await makeBuyers(app.fm, 1);
    const { page, ctx } = await app.signedIn(buyer!);
    await page.goto('/host');
    // A guest is asked to sign in with a host account.
    await page.getByText('Sign in with a host account to run drops.').waitFor();
    await ctx.close();
    // A signed-in buyer is told the console is for hosts.
    const account = await makeUser(app.fm, 'buyer');
    const second = await app.signedIn(account);
    await second.page.goto('/host/products');
    await second.page.getByText('Hosts only').waitFor();
    expect(await second.page.getByTestId('host-products').count()).toBe(0);
    await second.ctx.close();
  });
});
