import type { FeaturedItem, Show, ShowStatus } from './types.ts';

/** A show as stored, with its host's name, follower count and featured item joined in. */
export interface ShowRow {
  id: string;
  host_id: string;
  host_name: string;
  title: string;
  description: string;
  starts_at: Date;
  stream_url: string | null;
  hashtags: string[];
  status: ShowStatus;
  went_live_at: Date | null;
  ended_at: Date | null;
  sale_id: string;
  comment_to_buy: boolean;
  keyword: string;
  slow_mode_seconds: number;
  blocked_words: string[];
  pinned: { text: string; at: string } | null;
  followers: number;
  featured: {
    item_id: string;
    sku: string;
    title: string;
    price_cents: number;
    currency: string;
    stock: number;
    remaining: number;
    per_buyer_limit: number;
    image_url: string | null;
    version: number;
  } | null;
}

export const SELECT_SHOWS = `
  select s.*, u.name as host_name,
    (select count(*)::int from host_follows f where f.host_id = s.host_id) as followers,
    (select json_build_object('item_id', i.id, 'sku', i.sku, 'title', i.title, 'price_cents', i.price_cents,
              'currency', i.currency, 'stock', i.stock, 'remaining', i.remaining,
              'per_buyer_limit', i.per_buyer_limit, 'image_url', p.image_url, 'version', i.version)
     from sale_items i join variants v on v.id = i.variant_id join products p on p.id = v.product_id
     where i.id = s.featured_item_id and i.active) as featured
  from shows s join users u on u.id = s.host_id`;

export function toShow(r: ShowRow, now: number): Show {
  const featured: FeaturedItem | null = r.featured
    ? {
        saleId: r.sale_id,
        itemId: r.featured.item_id,
        sku: r.featured.sku,
        title: r.featured.title,
        priceCents: r.featured.price_cents,
        currency: r.featured.currency,
        stock: r.featured.stock,
        remaining: r.featured.remaining,
        perBuyerLimit: r.featured.per_buyer_limit,
        imageUrl: r.featured.image_url,
        version: r.featured.version,
      }
    : null;
  return {
    id: r.id,
    hostId: r.host_id,
    hostName: r.host_name,
    title: r.title,
    description: r.description,
    startsAt: r.starts_at.toISOString(),
    streamUrl: r.stream_url,
    hashtags: r.hashtags,
    status: r.status,
    wentLiveAt: r.went_live_at?.toISOString() ?? null,
    endedAt: r.ended_at?.toISOString() ?? null,
    saleId: r.sale_id,
    featured,
    commentToBuy: { enabled: r.comment_to_buy, keyword: r.keyword },
    slowModeSeconds: r.slow_mode_seconds,
    blockedWords: r.blocked_words,
    pinned: r.pinned,
    followers: r.followers,
    serverTime: new Date(now).toISOString(),
  };
}
