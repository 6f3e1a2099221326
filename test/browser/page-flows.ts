import type { Page, Request, Response, Route } from 'playwright-core';

/** Signs in through the form at /signin (then the app goes to `next`, when given). */
export async function signInWithPassword(
  page: Page,
  who: { email: string; password: string },
  next?: string,
): Promise<void> {
  await page.goto(next ? `/signin?next=${next}` : '/signin');
  await page.getByTestId('tab-signin').click();
  await page.getByTestId('auth-email').fill(who.email);
  await page.getByTestId('auth-password').fill(who.password);
  await page.getByTestId('auth-submit').click();
}

export interface Address {
  readonly name: string;
  /** Asked of guests only. */
  readonly email?: string;
  readonly line1: string;
  readonly city: string;
  readonly postal: string;
  /** A country code other than the form's default. */
  readonly country?: string;
}

/** The address most journeys ship to. */
export const ADA: Address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postal: 'N1 9GU',
  country: 'GB',
};

/** Fills the checkout's delivery fields. */
export async function fillShipping(page: Page, a: Address): Promise<void> {
  await page.getByTestId('ship-name').fill(a.name);
  if (a.email) await page.getByTestId('ship-email').fill(a.email);
  await page.getByTestId('ship-line1').fill(a.line1);
  await page.getByTestId('ship-city').fill(a.city);
  await page.getByTestId('ship-postal').fill(a.postal);
  if (a.country) await page.getByTestId('ship-country').selectOption(a.country);
}

/** The sandbox's Visa that always pays. */
export const VISA = '4242 4242 4242 4242';

/** Delivery and a card, then Pay. */
export async function payWithCard(page: Page, a: Address, card = VISA): Promise<void> {
  await fillShipping(page, a);
  await page.getByTestId('card-number').fill(card);
  await page.getByTestId('pay-button').click();
}

/**
 * Holds the page's next request matching `pattern` at the browser and resolves with it once the
 * page has sent it (`sent`): the test then acts "between the tap and the server" in its own body, where a
 * failure is reported as itself, and lets it go with `release`. (Doing that work inside a route
 * handler instead leaves the request hanging when it throws, and the test then fails much later,
 * waiting for an answer the page never got.)
 */
export async function holdNextRequest(page: Page, pattern: string): Promise<{ sent: Promise<Route> }> {
  let held!: (route: Route) => void;
  const sent = new Promise<Route>((resolve) => {
    held = resolve;
  });
  await page.route(pattern, (route) => held(route), { times: 1 });
  return { sent };
}

/** Lets a held request go on to the server and resolves with the server's answer to it. */
export async function release(page: Page, route: Route): Promise<Response> {
  const request: Request = route.request();
  const answered = page.waitForResponse((r) => r.request() === request);
  await route.continue();
  return answered;
}
