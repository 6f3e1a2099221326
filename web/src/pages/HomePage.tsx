import { useEffect, useMemo } from 'react';
import { FeaturedDrop } from '../components/FeaturedDrop.tsx';
import { BoltIcon, RepeatIcon } from '../components/Icons.tsx';
import { PartyCard } from '../components/PartyCard.tsx';
import { SaleCard } from '../components/SaleCard.tsx';
import { ShowCard } from '../components/ShowCard.tsx';
import { rankTrending, TrendingSection } from '../components/TrendingStrip.tsx';
import { Button, EmptyState, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { rememberItems } from '../lib/holds.tsx';
import { useLoad, useMediaQuery, useTitle } from '../lib/hooks.ts';
import { friendlyError } from '../lib/problems.ts';
import { navigate, useLocation } from '../lib/router.tsx';
import { useServerNow } from '../lib/ticker.ts';
import type { Party, Sale, Show } from '../lib/types.ts';
import '../components/FeaturedDrop.css';
import '../components/PartyCard.css';
import '../components/ShowCard.css';

async function loadSales(signal: AbortSignal): Promise<Sale[]> {
  const [live, soldOut, upcoming] = await Promise.all([
    api.sales({ status: 'live', limit: 60 }, signal),
    api.sales({ status: 'sold_out', limit: 20 }, signal),
    api.sales({ status: 'upcoming', limit: 60 }, signal),
  ]);
  const seen = new Set<string>();
  return [...live, ...soldOut, ...upcoming].filter((s) => !seen.has(s.id) && seen.add(s.id));
}

/** Live shows first, then the next ones (`GET /api/shows` lists live, then upcoming). */
async function loadShows(signal: AbortSignal): Promise<Show[]> {
  const [live, upcoming] = await Promise.all([
    api.shows({ status: 'live', limit: 20 }, signal),
    api.shows({ status: 'upcoming', limit: 20 }, signal),
  ]);
  return [...live, ...upcoming];
}

/** Active parties (recurring sales): the ones on now first, then by their next start. */
async function loadParties(signal: AbortSignal): Promise<Party[]> {
  const parties = await api.parties({ state: 'active', limit: 20 }, signal);
  const key = (p: Party) => Date.parse(p.sales[0]?.startsAt ?? p.nextOccurrences[0] ?? '9999-12-31');
  return parties.sort((a, b) => key(a) - key(b));
}

/** Places in the "Trending now" strip (sales and shows together); also the hashtags shown. */
const TRENDING_MAX = 5;

/**
 * What is hot now. Every buyer's home page asks with the same limit, so the server's 2 s answer
 * serves them all. A failed read keeps the last answer (or no section): never the page's problem.
 */
const loadTrending = (signal: AbortSignal) => api.trending({ limit: TRENDING_MAX }, signal);

/**
 * What is trending (the hottest drops and shows, hot hashtags), live shows, then live drops, the
 * parties (recurring sales) and upcoming drops, filterable by hashtag, with live stock on visible
 * cards.
 */
export default function HomePage() {
  useTitle('Live drops');
  const { search } = useLocation();
  const tag = search.get('tag') ?? '';
  const sales = useLoad(loadSales, []);
  const shows = useLoad(loadShows, []);
  const parties = useLoad(loadParties, []);
  const trending = useLoad(loadTrending, []);
  const now = useServerNow(1000);

  // New drops and shows appear without a reload, and what is trending moves.
  useEffect(() => {
    const t = setInterval(() => {
      sales.reload();
      shows.reload();
      parties.reload();
      trending.reload();
    }, 30_000);
    return () => clearInterval(t);
  }, [sales.reload, shows.reload, parties.reload, trending.reload]);

  useEffect(() => {
    for (const s of sales.data ?? []) rememberItems(s.items);
  }, [sales.data]);

  const tags = useMemo(() => {
    const counts = new Map<string, number>();
    for (const s of sales.data ?? []) for (const t of s.hashtags) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  }, [sales.data]);

  const visible = (sales.data ?? []).filter((s) => !tag || s.hashtags.includes(tag));
  const live = visible.filter((s) => Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now);
  const upcoming = visible
    .filter((s) => Date.parse(s.startsAt) > now)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));

  const hot = rankTrending(trending.data, now, TRENDING_MAX);
  const hotTags = (Array.isArray(trending.data?.tags) ? trending.data.tags : []).slice(0, TRENDING_MAX);

  const partyList = (parties.data ?? []).filter((p) => !tag || p.hashtags.includes(tag));
  // The hashtag filter applies to shows too (a trending tag may be a show's only).
  const showList = (shows.data ?? []).filter((x) => !tag || x.hashtags.includes(tag));

  const wide = useMediaQuery('(min-width: 960px)');
  const featured = wide ? live.find((s) => s.items.some((i) => i.remaining > 0)) : undefined;

  const setTag = (t: string) => navigate(t ? `/?tag=${encodeURIComponent(t)}` : '/', { replace: true });

  return (
    <div className="page home">
      <section className={`hero-banner${featured ? ' hero-banner--featured' : ''}`}>
        <div className="hero-banner__text">
          <p className="eyebrow">
            <BoltIcon size={14} /> Real-time drops
          </p>
          <h1 className="display">
            Limited drops.
            <br />
            <span className="accent">Live. Right now.</span>
          </h1>
          <p className="lede">
            Everyone sees the same second. Claim it, hold it, check out before the timer ends.
          </p>
        </div>
        {featured ? <FeaturedDrop sale={featured} /> : null}
      </section>

      {tags.length > 0 ? (
        <fieldset className="chips" data-testid="tag-chips">
          <legend className="sr-only">Filter by hashtag</legend>
          <button type="button" className="chip" aria-pressed={!tag} onClick={() => setTag('')}>
            All
          </button>
          {tags.map((t) => (
            <button
              key={t}
              type="button"
              className="chip"
              aria-pressed={tag === t}
              onClick={() => setTag(tag === t ? '' : t)}
              data-testid={`chip-${t}`}
            >
              #{t}
            </button>
          ))}
        </fieldset>
      ) : null}

      <TrendingSection entries={hot} tags={hotTags} tag={tag} onTag={setTag} />

      {showList.length > 0 ? (
        <section aria-labelledby="shows-heading" className="section shows-row" data-testid="shows-row">
          <div className="section__head">
            <h2 id="shows-heading">
              {showList.some((x) => x.status === 'live') ? (
                <>
                  <span className="live-dot" aria-hidden="true" /> Live shows
                </>
              ) : (
                'Upcoming shows'
              )}
            </h2>
            <span className="section__count">{showList.length}</span>
          </div>
          <ul className="shows-row__list">
            {showList.map((x) => (
              <li key={x.id}>
                <ShowCard show={x} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {sales.error ? (
        <div className="stack">
          <ProblemNotice problem={friendlyError(sales.error)} />
          <Button variant="secondary" onClick={sales.reload}>
            Try again
          </Button>
        </div>
      ) : null}

      {sales.loading && !sales.data ? (
        <div className="grid">
          {[0, 1, 2].map((i) => (
            <div key={i} className="card">
              <Skeleton tall />
            </div>
          ))}
        </div>
      ) : null}

      {sales.data ? (
        <>
          <section aria-labelledby="live-heading" className="section">
            <div className="section__head">
              <h2 id="live-heading">
                <span className="live-dot" aria-hidden="true" /> Live now
              </h2>
              <span className="section__count">{live.length}</span>
            </div>
            {live.length > 0 ? (
              <div className="grid" data-testid="live-sales">
                {live.map((s, i) => (
                  <SaleCard key={s.id} sale={s} priority={i < 2} />
                ))}
              </div>
            ) : (
              <EmptyState title="Nothing live right now">
                {upcoming.length > 0
                  ? 'The next drop is below: set a reminder in your head.'
                  : 'Check back soon.'}
              </EmptyState>
            )}
          </section>

          {partyList.length > 0 ? (
            <section aria-labelledby="parties-heading" className="section" data-testid="parties">
              <div className="section__head">
                <h2 id="parties-heading">
                  <RepeatIcon size={20} /> Parties
                </h2>
                <span className="section__count">{partyList.length}</span>
              </div>
              <ul className="party-list">
                {partyList.map((p) => (
                  <li key={p.id}>
                    <PartyCard party={p} now={now} />
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <section aria-labelledby="upcoming-heading" className="section">
            <div className="section__head">
              <h2 id="upcoming-heading">Upcoming</h2>
              <span className="section__count">{upcoming.length}</span>
            </div>
            {upcoming.length > 0 ? (
              <div className="grid" data-testid="upcoming-sales">
                {upcoming.map((s) => (
                  <SaleCard key={s.id} sale={s} />
                ))}
              </div>
            ) : (
              <EmptyState title="No drops scheduled yet" />
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}
