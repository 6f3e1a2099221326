import { expect } from 'vitest';
import type { Flashmob } from '../../src/app.ts';
import type { Sale } from '../../src/modules/sales/types.ts';
import type { Show } from '../../src/modules/shows/types.ts';
import { type Actor, uniq } from '../factories/index.ts';
import type { TestApp } from '../helpers/test-app.ts';

/**
 * Goods the pages show: like the factories' sales and shows, with product titles, hashtags and
 * the demo images, because the pages (and their screenshots) display them.
 */
export interface DemoItem {
  readonly sku?: string;
  readonly title?: string;
  readonly stock: number;
  readonly perBuyerLimit?: number;
  readonly priceCents?: number;
  readonly imageUrl?: string;
}

export interface ShowcaseSpec {
  readonly title?: string;
  readonly items: DemoItem[];
  readonly startsAt?: number;
  readonly endsAt?: number;
  readonly holdSeconds?: number;
  readonly hashtags?: string[];
  readonly waitingRoom?: Sale['waitingRoom'];
}

const asHost = (host: Actor) => ({ id: host.id, role: 'host' as const, guest: false });

/** A host's product with one variant; returns its SKU (a fresh one unless given). */
export async function makeProduct(
  fm: Flashmob,
  host: Actor,
  p: {
    title: string;
    priceCents: number;
    imageUrl?: string;
    hashtags?: string[];
    sku?: string;
    variant?: string;
  },
): Promise<string> {
  const sku = p.sku ?? uniq('SKU-').toUpperCase();
  await fm.services.catalog.create(asHost(host), {
    title: p.title,
    hashtags: p.hashtags ?? ['drop'],
    ...(p.imageUrl ? { imageUrl: p.imageUrl } : {}),
    variants: [{ sku, title: p.variant ?? 'One size', priceCents: p.priceCents, currency: 'USD' }],
  });
  return sku;
}

/** A sale of fresh products, live now on the app's clock unless told otherwise. */
export async function makeShowcaseSale(fm: Flashmob, host: Actor, spec: ShowcaseSpec): Promise<Sale> {
  const items: Array<DemoItem & { sku: string }> = [];
  for (const i of spec.items) {
    const sku = await makeProduct(fm, host, {
      title: i.title ?? 'Aurora Runner',
      priceCents: i.priceCents ?? 18_900,
      variant: 'EU 42',
      sku: i.sku ?? uniq('SKU-'),
      ...(i.imageUrl ? { imageUrl: i.imageUrl } : {}),
      ...(spec.hashtags ? { hashtags: spec.hashtags } : {}),
    });
    items.push({ ...i, sku });
  }
  const now = fm.clock.now();
  return fm.services.sales.create(asHost(host), {
    title: spec.title ?? 'Test drop',
    startsAt: new Date(spec.startsAt ?? now - 1_000).toISOString(),
    endsAt: new Date(spec.endsAt ?? now + 3_600_000).toISOString(),
    holdSeconds: spec.holdSeconds ?? 600,
    hashtags: spec.hashtags ?? ['drop'],
    ...(spec.waitingRoom ? { waitingRoom: spec.waitingRoom } : {}),
    items: items.map((i) => ({ sku: i.sku, stock: i.stock, perBuyerLimit: i.perBuyerLimit ?? 5 })),
  });
}

/** A show scheduled now and taken live by its host through the API. */
export async function makeLiveShow(
  t: TestApp,
  host: Actor,
  spec: { title: string; hashtags: string[] },
): Promise<Show> {
  const created = await t.http('POST', '/api/shows', {
    token: host.token,
    body: { ...spec, startsAt: new Date(t.fm.clock.now()).toISOString() },
  });
  expect(created.statusCode).toBe(201);
  const show = created.json() as Show;
  expect((await t.http('POST', `/api/shows/${show.id}/live`, { token: host.token })).statusCode).toBe(200);
  return show;
}

/** Features `sku` in a live show with this stock and price (2 per buyer). */
export async function featureInShow(
  t: TestApp,
  host: Actor,
  showId: string,
  f: { sku: string; stock: number; priceCents: number },
): Promise<void> {
  const res = await t.http('POST', `/api/shows/${showId}/feature`, {
    token: host.token,
    body: { ...f, perBuyerLimit: 2 },
  });
  expect(res.statusCode).toBe(200);
}
