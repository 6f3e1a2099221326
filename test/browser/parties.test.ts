import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Party } from '../../src/modules/parties/types.ts';
import { type Actor, makeUser } from '../factories/index.ts';
import { bootBrowserApp } from './browser-app.ts';
import { DESKTOP, PHONE, waitForAttr } from './browser-helpers.ts';
import { makeProduct } from './showcase.ts';

/**
 * Parties (recurring sales) in the web app: the host starts one from the console's form, sees its
 * rule and next start, pauses, resumes and ends it; buyers find active ones on the home page and
 * follow them to the sale of their next occurrence.
 */
const app = bootBrowserApp('parties');

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The weekday (0 = Sunday) and HH:MM of an instant on the wall clock of `timeZone`. */
function wallClock(timeZone: string, ms: number): { weekday: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: DAY_NAMES.indexOf(part('weekday')), time: `${part('hour')}:${part('minute')}` };
}

/** A countdown's exact time left, once its first frame has stamped it. */
async function msLeftOf(countdown: Locator): Promise<number> {
  await countdown.waitFor();
  const handle = await countdown.elementHandle();
  await handle!.evaluate(
    (el) =>
      new Promise<void>((resolve) => {
        const check = () => ((el as HTMLElement).dataset.msLeft ? resolve() : requestAnimationFrame(check));
        check();
      }),
  );
  return Number(await countdown.getAttribute('data-ms-left'));
}

/** A host's signed LP; returns its SKU. */
const product = (host: Actor, title: string) =>
  makeProduct(app.fm, host, {
    title,
    hashtags: ['vinyl'],
    imageUrl: '/demo/vinyl.svg',
    variant: 'LP',
    priceCents: 4_900,
  });

describe('parties', () => {
  it('web - a host starts a weekly party from the console, sees its schedule and next start, pauses, resumes and ends it', async () => {
    const host = await makeUser(app.fm, 'host');
    const sku = await product(host, 'Midnight Vinyl — Signed');
    const { page, ctx, errors } = await app.signedIn(host, { viewport: DESKTOP });

    await page.goto('/host');
    await page.getByTestId('host-tab-parties').click();
    await page.waitForURL((u) => u.pathname === '/host/parties');
    expect(await page.getByTestId('host-tab-parties').getAttribute('aria-current')).toBe('page');
    await page.getByText('No parties yet').waitFor();
    await page.getByTestId('new-party').click();
    const form = page.getByTestId('party-form');
    await form.waitFor();
    // The zone defaults to the browser's own.
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await form.getByTestId('party-timezone').inputValue()).toBe(browserZone);

    // Three hours from now in New York, on that weekday and three days later.
    const zone = 'America/New_York';
    const first = wallClock(zone, app.fm.clock.now() + 3 * 3_600_000);
    const days = [first.weekday, (first.weekday + 3) % 7];
    const inWeekOrder = [1, 2, 3, 4, 5, 6, 0].filter((d) => days.includes(d));
    const schedule = `${inWeekOrder.map((d) => DAY_NAMES[d]).join(', ')} at ${first.time} (${zone})`;

    await form.getByTestId('party-title').fill('Crate Digger Nights');
    await form.getByTestId('party-tags').fill('#vinyl #party');
    await form.getByTestId('party-description').fill('Signed records, twice a week.');
    await form.getByTestId('party-frequency-weekly').check();
    for (let d = 0; d < 7; d++) await form.getByTestId(`party-weekday-${d}`).setChecked(false);
    await form.getByTestId('party-time').fill(first.time);
    await form.getByTestId('party-timezone').fill(zone);
    await form.getByTestId('party-duration').fill('45');
    await form.getByTestId('party-hold').fill('120');
    await form.getByTestId(`party-item-include-${sku}`).check();
    await form.getByTestId(`party-item-stock-${sku}`).fill('8');
    await form.getByTestId(`party-item-limit-${sku}`).fill('2');

    // Weekly without a day is refused in the form.
    await form.getByTestId('party-submit').click();
    await form.getByText('Pick at least one day.').waitFor();
    for (const d of days) await form.getByTestId(`party-weekday-${d}`).check();
    expect(await form.getByTestId('party-preview').textContent()).toContain(`${schedule} · 45 minutes each`);
    await form.getByTestId('party-submit').click();

    // Back on the list, with the new party: its rule, its next start and its first sale.
    await page.waitForURL((u) => u.pathname === '/host/parties' && u.searchParams.has('created'));
    await page.getByTestId('party-created').waitFor();
    const partyId = new URL(page.url()).searchParams.get('created')!;
    const row = page.locator(`[data-testid="host-party-row"][data-party-id="${partyId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('active');
    expect(await row.getByTestId('party-schedule').textContent()).toContain(schedule);
    expect(await row.getByTestId('party-next').textContent()).toMatch(/^Next: .+ · in \d\d:\d\d:\d\d$/);
    const msLeft = await msLeftOf(row.getByTestId('party-next-countdown'));
    expect(msLeft).toBeGreaterThan(2.9 * 3_600_000);
    expect(msLeft).toBeLessThanOrEqual(3 * 3_600_000);
    await row.getByTestId('party-sale-link').waitFor();

    const party = (await app.t.http('GET', `/api/parties/${partyId}`)).json() as Party;
    expect(party).toMatchObject({
      title: 'Crate Digger Nights',
      description: 'Signed records, twice a week.',
      hashtags: ['vinyl', 'party'],
      recurrence: {
        frequency: 'weekly',
        weekdays: [...days].sort((a, b) => a - b),
        time: first.time,
        timeZone: zone,
      },
      durationMinutes: 45,
      holdSeconds: 120,
      items: [{ sku, stock: 8, perBuyerLimit: 2 }],
      state: 'active',
    });
    expect(party.sales).toHaveLength(1);
    expect(Date.parse(party.sales[0]!.startsAt)).toBe(Date.parse(party.nextOccurrences[0]!));
    expect(await row.getByTestId('party-sale-link').getAttribute('href')).toBe(
      `/host/sales/${party.sales[0]!.id}`,
    );

    // Pause: no next start while paused; resume: it is back.
    await row.getByTestId('party-pause').click();
    await waitForAttr(page, `[data-party-id="${partyId}"]`, 'data-state', 'paused');
    expect(await row.getByTestId('party-state').textContent()).toBe('Paused');
    expect(await row.getByTestId('party-next').textContent()).toContain('Paused');
    expect((await app.t.http('GET', `/api/parties/${partyId}`)).json().state).toBe('paused');
    await row.getByTestId('party-resume').click();
    await waitForAttr(page, `[data-party-id="${partyId}"]`, 'data-state', 'active');
    await row.getByTestId('party-next-countdown').waitFor();
    expect((await app.t.http('GET', `/api/parties/${partyId}`)).json().state).toBe('active');

    // A reload lists it from the server with the same state.
    await page.goto('/host/parties');
    await waitForAttr(page, `[data-party-id="${partyId}"]`, 'data-state', 'active');

    // End it (asked twice): no buttons any more.
    await row.getByTestId('party-end').click();
    await row.getByTestId('party-end-confirm').click();
    await waitForAttr(page, `[data-party-id="${partyId}"]`, 'data-state', 'ended');
    expect(await row.getByTestId('party-pause').count()).toBe(0);
    expect(await row.getByTestId('party-resume').count()).toBe(0);
    expect((await app.t.http('GET', `/api/parties/${partyId}`)).json().state).toBe('ended');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - the party form shows the server’s refusal (problem+json) and keeps what was typed', async () => {
    const host = await makeUser(app.fm, 'host');
    const sku = await product(host, 'Refused Record');
    const { page, ctx, errors } = await app.signedIn(host, { viewport: PHONE });
    await page.goto('/host/parties/new');
    const form = page.getByTestId('party-form');
    // Longer than the API takes (200): the form leaves that check to the server.
    const title = `Party ${'x'.repeat(200)}`;
    await form.getByTestId('party-title').fill(title);
    await form.getByTestId('party-frequency-daily').check();
    expect(await form.getByTestId('party-weekday-1').count()).toBe(0);
    expect(await form.getByTestId('party-preview').textContent()).toContain('Every day at 20:00');
    await form.getByTestId(`party-item-include-${sku}`).check();
    await form.getByTestId('party-submit').click();
    const problem = page.getByTestId('party-form-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('validation_failed');
    expect(await problem.textContent()).toContain('title');
    expect(page.url()).toContain('/host/parties/new');
    expect(await form.getByTestId('party-title').inputValue()).toBe(title);
    expect((await app.t.http('GET', `/api/parties?host=${host.id}`)).json()).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('web - a buyer sees an active party on the home page and follows it to its sale', async () => {
    const host = await makeUser(app.fm, 'host');
    const sku = await product(host, 'Midnight Vinyl — Signed');
    const principal = { id: host.id, role: 'host' as const, guest: false };
    const now = app.fm.clock.now();
    const at = wallClock('UTC', now + 90 * 60_000).time;
    const parties = app.fm.services.parties;
    const party = await parties.create(principal, {
      title: 'Late Night Listening Party',
      description: 'A crate of signed records, every night.',
      hashtags: ['vinyl', 'party'],
      recurrence: { frequency: 'daily', time: at, timeZone: 'UTC' },
      durationMinutes: 60,
      holdSeconds: 300,
      items: [{ sku, stock: 10, perBuyerLimit: 1 }],
    });
    const saleId = party.sales[0]?.id;
    expect(saleId).toBeDefined();
    // A paused party is not on the home page.
    const paused = await parties.create(principal, {
      title: 'Paused Party',
      recurrence: { frequency: 'weekly', weekdays: [1], time: '10:00', timeZone: 'UTC' },
      durationMinutes: 30,
      items: [{ sku, stock: 5, perBuyerLimit: 1 }],
    });
    await parties.setState(principal, paused.id, 'paused');

    const { page, ctx, errors } = await app.open({ viewport: PHONE });
    await page.goto('/');
    const card = page.getByTestId(`party-card-${party.id}`);
    await card.waitFor();
    expect(await page.getByTestId(`party-card-${paused.id}`).count()).toBe(0);
    expect(await card.getByTestId('party-schedule').textContent()).toContain(`Every day at ${at} (UTC)`);
    expect(await card.textContent()).toContain('Late Night Listening Party');
    const msLeft = await msLeftOf(card.getByTestId('party-countdown'));
    expect(msLeft).toBeGreaterThan(88 * 60_000);
    expect(msLeft).toBeLessThanOrEqual(90 * 60_000);
    expect(await card.getByTestId('party-countdown').textContent()).toMatch(/^01:2\d:\d\d$/);

    // The hashtag chips filter the parties too.
    await page.getByTestId('chip-vinyl').click();
    await card.waitFor();

    await card.getByTestId('party-sale-link').click();
    await page.waitForURL((u) => u.pathname === `/sales/${saleId}`);
    await page.getByTestId('sale-countdown').waitFor();
    await page.getByTestId('sale-party').waitFor();
    expect(await page.getByTestId('sale-party').textContent()).toBe(
      `Part of Late Night Listening Party — every day at ${at} (UTC)`,
    );
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
