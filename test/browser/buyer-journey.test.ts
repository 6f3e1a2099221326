import { describe, expect, it } from 'vitest';
import { makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, waitForAttr } from './browser-helpers.ts';
import { ADA, fillShipping, payWithCard } from './page-flows.ts';

const app = bootBrowserApp('buyer-journey');

describe('buyer journey', () => {
  it('web - a buyer signs up, claims in a live sale, sees the hold timer, pays with the sandbox Visa, watches the order ship', async () => {
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      title: 'Journey drop',
      items: [{ stock: 20, perBuyerLimit: 2, priceCents: 18_900, imageUrl: '/demo/sneaker.svg' }],
      holdSeconds: 300,
    });
    const sku = sale.items[0]!.sku;
    const { page, ctx, errors } = await app.open();

    // Sign up.
    await page.goto('/signin');
    await page.getByTestId('tab-signup').click();
    await page.getByTestId('auth-name').fill('Ada Lovelace');
    await page.getByTestId('auth-email').fill(`ada.${Date.now()}@example.com`);
    await page.getByTestId('auth-password').fill('correct horse battery');
    await page.getByTestId('auth-submit').click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByTestId('account-button').waitFor();
    expect(await page.getByTestId('user-name').textContent()).toBe('Ada Lovelace');

    // The sale: live, with its stock; claim one.
    await page.goto(`/sales/${sale.id}`);
    await waitForAttr(page, `[data-testid="stock-${sku}"]`, 'data-remaining', '20');
    await page.getByTestId('claim-button').click();

    // The hold timer counts down (mm:ss) towards expiresAt on server time.
    const timer = page.getByTestId('hold-timer');
    await timer.waitFor();
    const first = await timer.textContent();
    expect(first).toMatch(/^0[45]:\d\d$/);
    const msLeft = Number(await timer.getAttribute('data-ms-left'));
    expect(msLeft).toBeGreaterThan(290_000);
    expect(msLeft).toBeLessThanOrEqual(300_000);
    await waitForAttr(page, `[data-testid="stock-${sku}"]`, 'data-remaining', '19');
    expect(await page.getByTestId('bag-count').textContent()).toBe('1');

    // Checkout with the sandbox Visa.
    await page.getByTestId('hold-checkout').click();
    await page.waitForURL((u) => u.pathname === '/checkout');
    await page.getByTestId('checkout-line').first().waitFor();
    expect(await page.getByTestId('checkout-total').textContent()).toContain('189');
    expect(await page.getByTestId('sandbox-label').textContent()).toContain('Sandbox: no real payment');

    // Validation first: an empty form names what is missing.
    await page.getByTestId('pay-button').click();
    await page.getByText('Enter the name for delivery.').waitFor();

    await fillShipping(page, ADA);
    await page.getByTestId('card-number').fill('4242424242424242');
    expect(await page.getByTestId('card-number').inputValue()).toBe('4242 4242 4242 4242');
    await page.getByTestId('save-card').check();
    await page.getByTestId('pay-button').click();

    // The order confirmation; the pipeline (fraud check, capture, sandbox warehouse) ships it,
    // and the page follows live.
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    await page.getByTestId('order-confirmed').waitFor();
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'shipped');
    expect(await page.getByTestId('order-tracking').textContent()).toMatch(/Sandbox Post · tracking SBX/);
    expect(await page.getByTestId('order-payment').textContent()).toMatch(/Visa/);
    expect(await page.getByTestId('bag').getAttribute('aria-label')).toBe('Bag is empty');

    // And the server agrees.
    const orderId = page.url().split('/orders/')[1]!.split('?')[0]!;
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('flashmob.session')!).token as string,
    );
    const order = (await app.t.http('GET', `/api/orders/${orderId}`, { token })).json();
    expect(order.state).toBe('shipped');
    expect(order.payment.capturedAt).toBeTruthy();
    expect(order.lines[0].sku).toBe(sku);

    // The card was saved: the next purchase is one tap (express checkout, shipping remembered).
    await page.goto(`/sales/${sale.id}`);
    await page.getByTestId('claim-button').click();
    await page.getByTestId('hold-checkout').click();
    const express = page.getByTestId('express-pay');
    await express.waitFor();
    expect(await express.textContent()).toContain('Visa');
    await express.click();
    await page.getByTestId('order-confirmed').waitFor();
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'shipped');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - a declined card says so and returns the hold; the 3-D Secure challenge approves in a modal', async () => {
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      items: [{ stock: 5, perBuyerLimit: 1, priceCents: 4_500, imageUrl: '/demo/vinyl.svg' }],
    });
    const { page, ctx } = await app.open({ viewport: DESKTOP });
    await page.goto(`/sales/${sale.id}`);
    // Signed out: claiming asks who you are first, then claims.
    await page.getByTestId('claim-button').click();
    await page.getByTestId('auth-sheet').getByTestId('auth-guest').click();
    await page.getByTestId('hold-timer').waitFor();

    await page.goto('/checkout');
    await page.getByTestId('checkout-line').waitFor();
    const grace = {
      name: 'Grace Hopper',
      email: 'grace@example.com',
      line1: '1 Navy Way',
      city: 'Arlington',
      postal: '22201',
    };
    await payWithCard(page, grace, '4000 0000 0000 0002');
    const problem = page.getByTestId('checkout-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('payment_declined');
    expect(await problem.textContent()).toContain('Your card was declined.');

    // Claim again and pay with the 3-D Secure card.
    await page.goto(`/sales/${sale.id}`);
    await page.getByTestId('claim-button').click();
    await page.getByTestId('hold-timer').waitFor();
    await page.goto('/checkout');
    await page.getByTestId('checkout-line').waitFor();
    await page.getByTestId('card-number').fill('4000000000003220');
    await page.getByTestId('pay-button').click();
    const challenge = page.getByTestId('challenge');
    await challenge.getByText('Verify with your bank').waitFor();
    await challenge.getByTestId('challenge-approve').click();
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'), { timeout: 15_000 });
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'shipped', 15_000);
    await ctx.close();
  });

  it('web - a guest’s large first order waits in review; the buyer cancels it and the stock comes back', async () => {
    const host = await makeUser(app.fm, 'host');
    const sale = await app.sale(host, {
      items: [{ stock: 3, perBuyerLimit: 1, priceCents: 30_000, imageUrl: '/demo/console.svg' }],
    });
    const sku = sale.items[0]!.sku;
    const { page, ctx, errors } = await app.open();
    await page.goto(`/sales/${sale.id}`);
    await page.getByTestId('claim-button').click();
    await page.getByTestId('auth-sheet').getByTestId('auth-guest').click();
    await page.getByTestId('hold-timer').waitFor();
    await page.getByTestId('hold-checkout').click();
    await page.waitForURL((u) => u.pathname === '/checkout');
    const alan = {
      name: 'Alan Turing',
      email: 'alan@example.com',
      line1: '2 Bletchley Park',
      city: 'Milton Keynes',
      postal: 'MK3 6EB',
    };
    await payWithCard(page, alan, '4242424242424242');
    await page.waitForURL((u) => u.pathname.startsWith('/orders/'));
    const orderId = page.url().split('/orders/')[1]!.split('?')[0]!;
    // A guest paying over 250 in one go is held for a person to look at: paid, not shipped.
    await expect
      .poll(
        async () =>
          (
            await app.fm.store.query<{ outcome: string }>(
              'select outcome from fraud_checks where order_id = $1',
              [orderId],
            )
          ).at(0)?.outcome,
        { timeout: 10_000 },
      )
      .toBe('review');
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'paid');
    await page.getByTestId('cancel-order').click();
    await page.getByTestId('cancel-confirm').click();
    await waitForAttr(page, '[data-testid="order-state"]', 'data-state', 'cancelled');
    await page.getByText('Nothing was charged.').waitFor();
    await page.goto(`/sales/${sale.id}`);
    await waitForAttr(page, `[data-testid="stock-${sku}"]`, 'data-remaining', '3');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
