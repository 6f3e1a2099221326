import { describe, expect, it } from 'vitest';
import { makeGiveaway } from '../factories/shows.ts';
import { bootBrowserApp } from './browser-app.ts';
import { accessibilityViolations, PHONE } from './browser-helpers.ts';
import { screenshot } from './screenshots-dir.ts';

/** The draw check page: the browser recomputes a giveaway's winner from the revealed seed. */
describe('check the draw', () => {
  const app = bootBrowserApp('verify-draw');

  const drawnGiveaway = async () => (await makeGiveaway(app.t, { entrants: 6, draw: true })).giveaway.id;

  it('verify draw - a fair draw verifies in the browser, and the page passes the accessibility check', async () => {
    const id = await drawnGiveaway();
    const { page, errors } = await app.open({ viewport: PHONE });
    await page.goto(`/giveaways/${id}/verify`);
    const verdict = page.getByTestId('draw-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('Verified in your browser');
    await screenshot(page, 'verify-draw-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('verify draw - a seed changed after the draw (a cheating server) is shown as not verified', async () => {
    const id = await drawnGiveaway();
    await app.t.testStore.store.query('update giveaways set seed = $2 where id = $1', [id, 'ab'.repeat(32)]);
    const { page } = await app.open({ viewport: PHONE });
    await page.goto(`/giveaways/${id}/verify`);
    const verdict = page.getByTestId('draw-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('Does not verify: the seed does not match the commitment');
  });
});
