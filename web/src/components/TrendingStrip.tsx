import { priceRange } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import type { Sale, Show, Trending, TrendingTag } from '../lib/types.ts';
import { FlameIcon } from './Icons.tsx';
import './TrendingStrip.css';

/** One place in the ranking: a sale or a show, with its heat. */
export type TrendingEntry =
  | { readonly kind: 'sale'; readonly heat: number; readonly sale: Sale }
  | { readonly kind: 'show'; readonly heat: number; readonly show: Show };

/**
 * Sales and shows in one ranking, hottest first (the API ranks each list on its own), at most
 * `max`; sales that ended since the answer (server time `now`) are left out. Tolerates a partial
 * answer: a missing list is an empty one.
 */
export function rankTrending(t: Partial<Trending> | undefined, now: number, max: number): TrendingEntry[] {
  const sales: TrendingEntry[] = (Array.isArray(t?.sales) ? t.sales : [])
    .filter((s) => s?.sale && Date.parse(s.sale.endsAt) > now)
    .map((s) => ({ kind: 'sale', heat: s.heat, sale: s.sale }));
  const shows: TrendingEntry[] = (Array.isArray(t?.shows) ? t.shows : [])
    .filter((s) => s?.show && s.show.status !== 'ended')
    .map((s) => ({ kind: 'show', heat: s.heat, show: s.show }));
  return [...sales, ...shows].sort((a, b) => b.heat - a.heat).slice(0, max);
}

/**
 * "Trending now" on the home page: the hottest drops and shows as a ranked strip (a flame and a
 * bar for each one's heat next to the hottest's), then the hot hashtags as chips that set the
 * page's hashtag filter. Renders nothing when nothing is trending.
 */
export function TrendingSection({
  entries,
  tags,
  tag,
  onTag,
}: {
  entries: readonly TrendingEntry[];
  tags: readonly TrendingTag[];
  /** The page's hashtag filter ('' for none). */
  tag: string;
  onTag(tag: string): void;
}) {
  if (entries.length === 0 && tags.length === 0) return null;
  const hottest = Math.max(...entries.map((e) => e.heat), 0);
  return (
    <section aria-labelledby="trending-heading" className="section trending" data-testid="trending">
      <div className="section__head">
        <h2 id="trending-heading">
          <FlameIcon size={20} className="trending__flame" /> Trending now
        </h2>
      </div>
      {entries.length > 0 ? (
        <ol className="trending__list" data-testid="trending-list">
          {entries.map((e, i) => (
            <li key={`${e.kind}-${e.kind === 'sale' ? e.sale.id : e.show.id}`}>
              <TrendingCard entry={e} rank={i + 1} share={hottest > 0 ? e.heat / hottest : 0} />
            </li>
          ))}
        </ol>
      ) : null}
      {tags.length > 0 ? (
        <fieldset className="chips trending__tags" data-testid="trending-tags">
          <legend className="sr-only">Trending hashtags</legend>
          {tags.map(({ tag: t }) => (
            <button
              key={t}
              type="button"
              className="chip chip--hot"
              aria-pressed={tag === t}
              onClick={() => onTag(tag === t ? '' : t)}
              data-testid={`trending-tag-${t}`}
            >
              #{t}
            </button>
          ))}
        </fieldset>
      ) : null}
    </section>
  );
}

const heatLabel = (heat: number) => `Heat ${Math.round(heat).toLocaleString()}`;

/** A compact card: picture with its rank, title, what it is, and the heat. Links to the sale or the room. */
function TrendingCard({ entry, rank, share }: { entry: TrendingEntry; rank: number; share: number }) {
  const sale = entry.kind === 'sale' ? entry.sale : undefined;
  const show = entry.kind === 'show' ? entry.show : undefined;
  const id = sale?.id ?? show?.id ?? '';
  const items = sale ? sale.items.filter((i) => i.active !== false) : [];
  const image = sale ? items.find((i) => i.imageUrl)?.imageUrl : show?.featured?.imageUrl;
  const title = sale?.title ?? show?.title ?? '';
  const live = show ? show.status === 'live' : sale?.status === 'live';
  return (
    <article
      className={`trend${live ? ' is-live' : ''}`}
      data-testid={`trending-${entry.kind}-${id}`}
      data-kind={entry.kind}
      data-rank={rank}
      data-heat={entry.heat}
    >
      <div className="trend__pic">
        <div className="trend__thumb">
          {image ? (
            <img src={image} alt="" loading="lazy" decoding="async" width={56} height={56} />
          ) : (
            <span className="trend__monogram" aria-hidden="true">
              {((show?.hostName ?? title).trim()[0] ?? '?').toUpperCase()}
            </span>
          )}
        </div>
        <span className="trend__rank" aria-hidden="true">
          {rank}
        </span>
      </div>
      <div className="trend__body">
        <h3 className="trend__title">
          <Link to={sale ? `/sales/${id}` : `/shows/${id}`} className="stretched">
            {title}
          </Link>
        </h3>
        <p className="trend__meta">
          {show ? (
            <>
              {live ? <span className="trend__live">Live</span> : 'Show'} · {show.hostName}
            </>
          ) : sale?.status === 'sold_out' ? (
            'Sold out · waitlist open'
          ) : sale?.status === 'scheduled' ? (
            `Upcoming · ${priceRange(items)}`
          ) : (
            priceRange(items)
          )}
        </p>
        <span className="trend__heat" title={heatLabel(entry.heat)}>
          <FlameIcon size={14} />
          <span className="trend__bar" aria-hidden="true">
            <span style={{ width: `${Math.max(8, Math.round(share * 100))}%` }} />
          </span>
          <span className="sr-only">{heatLabel(entry.heat)}</span>
        </span>
      </div>
    </article>
  );
}
