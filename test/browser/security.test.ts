import { generateSync } from 'otplib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { accessibilityViolations } from './browser-helpers.ts';
import { ADA, payWithCard } from './page-flows.ts';
import { screenshot } from './screenshots-dir.ts';

const app = bootBrowserApp('security', { stepUpOrderCents: 10_000 });

/** What the user's authenticator app shows, `steps` time steps from now. */
const totp = (secret: string, steps = 0) =>
  generateSync({ secret, epoch: Math.floor(app.fm.clock.now() / 1000) + steps * 30 });

/** Claims a $189 sneaker and pays for it: over the $100 threshold, so the step-up dialog opens. */
async function startLargeOrder(page: Page): Promise<void> {
  const host = await makeUser(app.fm, 'host');
  const sale = await app.sale(host, {
    title: 'Step-up drop',
    items: [{ stock: 5, priceCents: 18_900, imageUrl: '/demo/sneaker.svg' }],
  });
  await page.goto(`/sales/${sale.id}`);
  await page.getByTestId('claim-button').click();
  await page.getByTestId('hold-checkout').click();
  await page.waitForURL((u) => u.pathname === '/checkout');
  await payWithCard(page, ADA, '4242424242424242');
}

describe('security page and step-up', () => {
  it('web - a buyer turns on an authenticator app, keeps the recovery codes, and steps up to pay a large order', async () => {
    const buyer = await makeUser(app.fm, 'buyer');
    const { page, ctx, errors } = await app.signedIn(buyer);

    // From the account menu to the security page.
    await page.goto('/');
    await page.getByTestId('account-button').click();
    await page.getByRole('link', { name: 'Security' }).click();
    await page.waitForURL((u) => u.pathname === '/account/security');
    await page.getByTestId('totp-start').click();

    // The key as text and as an otpauth:// URI; the app's code turns it on.
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.getByTestId('totp-uri').textContent()).toContain(`secret=${secret}`);
    await page.getByTestId('totp-confirm-code').fill(totp(secret));
    await page.getByTestId('totp-confirm-submit').click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await screenshot(page, 'security-recovery-codes');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('recovery-codes-saved').click();
    await page.getByTestId('totp-active').waitFor();
    expect(await page.getByTestId('recovery-left').textContent()).toContain('10');

    // A $189 order: the checkout answers step_up_required, the dialog asks for a code, and the
    // same checkout goes through with the proof.
    await startLargeOrder(page);

    const dialog = page.getByTestId('step-up');
    await dialog.getByTestId('step-up-code').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    // A wrong code first: refused in the dialog, which stays open.
    await dialog.getByTestId('step-up-code').fill('000000');
    await dialog.getByTestId('step-up-submit').click();
    await dialog.getByRole('alert').waitFor();
    // The code of the next time step (the one used to turn TOTP on cannot be used again).
    await dialog.getByTestId('step-up-code').fill(totp(secret, 1));
    await screenshot(page, 'security-step-up-dialog');
    await dialog.getByTestId('step-up-submit').click();
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    await page.getByTestId('order-confirmed').waitFor();
    const orderId = page.url().split('/orders/')[1]?.split('?')[0] ?? '';
    const order = (await app.t.http('GET', `/api/orders/${orderId}`, { token: buyer.token })).json();
    expect(order.totalCents).toBe(18_900);
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
    await ctx.close();
  });

  it('web - a buyer adds a passkey (a virtual authenticator over CDP) and steps up with it', async () => {
    const buyer = await makeUser(app.fm, 'buyer');
    // WebAuthn wants a domain as its relying party id: localhost, not 127.0.0.1.
    const { page, ctx, errors } = await app.signedIn(buyer, {
      base: app.base.replace('127.0.0.1', 'localhost'),
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });

    await page.goto('/account/security');
    await page.getByTestId('passkey-add').click();
    await page.waitForSelector('[data-testid="passkey-count"][data-count="1"]');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    await screenshot(page, 'security-passkey-added');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await app.t.http('GET', '/api/me/mfa', { token: buyer.token })).json().passkeys).toBe(1);

    await startLargeOrder(page);
    const dialog = page.getByTestId('step-up');
    await dialog.getByTestId('step-up-passkey').click();
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    await page.getByTestId('order-confirmed').waitFor();
    const { credentials: after } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after[0]?.signCount).toBeGreaterThan(0);
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
    await ctx.close();
  });
});
