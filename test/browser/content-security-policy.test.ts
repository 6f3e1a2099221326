import { describe, expect, it } from 'vitest';
import { makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP } from './browser-helpers.ts';

/**
 * The CSP (no inline script, no eval, never framed) against the real pages in chromium: every
 * violation is an error of the page (openPage listens for `securitypolicyviolation`).
 */
describe('content security policy', () => {
  const app = bootBrowserApp('csp');

  it('web - the Swagger UI at /docs renders the API under the CSP', async () => {
    const { page, ctx, errors } = await app.open({ viewport: DESKTOP });
    const res = await page.goto('/docs');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.opblock-summary-path', { hasText: '/api/sales/{id}/claims' }).first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - the home page and a sale render under the CSP, with live stock over the WebSocket', async () => {
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      title: 'CSP drop',
      items: [{ stock: 7, imageUrl: '/demo/sneaker.svg' }],
    });
    const { page, ctx, errors } = await app.open();
    await page.goto('/');
    await page.getByText('CSP drop').first().waitFor();
    await page.goto(`/sales/${sale.id}`);
    await page.getByText('7 of 7 left').first().waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
