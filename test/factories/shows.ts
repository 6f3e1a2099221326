import type { Flashmob } from '../../src/app.ts';
import type { Show } from '../../src/modules/shows/types.ts';
import { type Actor, uniq } from './index.ts';

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
