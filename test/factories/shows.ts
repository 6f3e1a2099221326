import type { Flashmob } from '../../src/app.ts';
import type { Show } from '../../src/modules/shows/types.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { type Actor, makeBuyers, makeUser, uniq } from './index.ts';

/** A host's product (one variant) and a show of theirs; live unless told otherwise. */
export async function makeShow(
  fm: Flashmob,
  host: Actor,
  opts: { live?: boolean; skus?: number } = {},
): Promise<{ show: Show; skus: string[] }> {
  const principal = { id: host.id, role: 'host' as const, guest: false };
  const skus: string[] = [];
  for (let i = 0; i < (opts.skus ?? 1); i++) {
    const sku = uniq('SHOW-');
    await fm.services.catalog.create(principal, {
      title: `Show item ${sku}`,
      variants: [{ sku, title: sku, priceCents: 2_000, currency: 'USD' }],
    });
    skus.push(sku);
  }
  let show = await fm.services.shows.create(principal, {
    title: 'Tonight live',
    startsAt: new Date(fm.clock.now() + 60_000).toISOString(),
    hashtags: ['live'],
  });
  if (opts.live !== false) show = await fm.services.shows.goLive(principal, show.id);
  return { show, skus };
}

/**
 * A live show's giveaway with `entrants` entered through the API; drawn by its host when `draw`.
 * Returns the giveaway as opened (with its seedHash) and the host.
 */
export async function makeGiveaway(
  t: { fm: Flashmob; http: TestApp['http'] },
  opts: { entrants: number; draw: boolean },
): Promise<{ giveaway: { id: string; seedHash: string }; host: Actor }> {
  const host = await makeUser(t.fm, 'host');
  const { show, skus } = await makeShow(t.fm, host);
  const giveaway = (
    await t.http('POST', `/api/shows/${show.id}/giveaways`, {
      token: host.token,
      body: { sku: skus[0], durationSeconds: 60 },
    })
  ).json();
  for (const b of await makeBuyers(t.fm, opts.entrants))
    await t.http('POST', `/api/giveaways/${giveaway.id}/entries`, { token: b.token });
  if (opts.draw) await t.http('POST', `/api/giveaways/${giveaway.id}/draw`, { token: host.token });
  return { giveaway, host };
}
