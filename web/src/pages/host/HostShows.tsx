import { type FormEvent, useState } from 'react';
import { Button, EmptyState, ProblemNotice, Skeleton, TextField } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { serverClock } from '../../lib/clock.ts';
import { dateTime, plural, toLocalInput } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { Link, navigate } from '../../lib/router.tsx';
import type { ShowStatus, User } from '../../lib/types.ts';
import { parseTags, toCents } from './HostProducts.tsx';
import { HASHTAG, usePickRows, VariantPicker, wholeNumber } from './VariantPicker.tsx';

/**
 * A show's line-up: the products the host means to sell in it, with the stock, price and limit
 * to pin each with. The API pins one product at a time (POST /api/shows/:id/feature), so the
 * plan is kept on this device, per show; the control room offers every product of the catalog too.
 */
export interface LineupItem {
  readonly sku: string;
  readonly stock: number;
  readonly priceCents: number;
  readonly perBuyerLimit: number;
}
const lineupKey = (showId: string) => `flashmob.lineup.${showId}`;
export function loadLineup(showId: string): LineupItem[] {
  try {
    const v = JSON.parse(localStorage.getItem(lineupKey(showId)) ?? '[]');
    return Array.isArray(v) ? (v as LineupItem[]) : [];
  } catch {
    return [];
  }
}
function saveLineup(showId: string, items: LineupItem[]): void {
  try {
    localStorage.setItem(lineupKey(showId), JSON.stringify(items));
  } catch {
    // private mode: the control room still lists the catalog
  }
}

const STATUS_PILL: Record<ShowStatus, string> = { live: 'live', scheduled: 'scheduled', ended: 'ended' };
const STATUS_TEXT: Record<ShowStatus, string> = { live: 'Live', scheduled: 'Upcoming', ended: 'Ended' };

export function ShowPill({ status }: { status: ShowStatus }) {
  return (
    <span className={`pill pill--${STATUS_PILL[status]}`} data-testid="show-status" data-status={status}>
      {status === 'live' ? <span className="pill__dot" aria-hidden="true" /> : null}
      {STATUS_TEXT[status]}
    </span>
  );
}

/** The host's shows: live first, then upcoming, then ended; each opens its control room. */
export function HostShows({ user }: { user: User }) {
  const shows = useLoad(
    (signal) => api.shows({ limit: 200, ...(user.role === 'admin' ? {} : { host: user.id }) }, signal),
    [user.id, user.role],
  );
  return (
    <section aria-labelledby="host-shows" data-testid="host-shows">
      <div className="section__head">
        <h2 id="host-shows">Your shows</h2>
        <Link to="/host/shows/new" className="btn btn--primary btn--small" data-testid="new-show">
          Schedule a show
        </Link>
      </div>
      {shows.error ? <ProblemNotice problem={friendlyError(shows.error)} /> : null}
      {shows.loading && !shows.data ? <Skeleton lines={4} /> : null}
      {shows.data && shows.data.length === 0 ? (
        <EmptyState title="No shows yet">
          <p>Go live with your products: one-tap buying, auctions, polls and giveaways, with your chat.</p>
          <Link to="/host/shows/new" className="btn btn--secondary">
            Schedule your first show
          </Link>
        </EmptyState>
      ) : null}
      <ul className="host-list">
        {(shows.data ?? []).map((s) => (
          <li key={s.id} className="card host-row" data-testid="host-show-row">
            <div className="host-row__main">
              <p className="host-row__title">
                <Link to={`/host/shows/${s.id}`} className="stretched">
                  {s.title}
                </Link>
              </p>
              <p className="muted small">
                {s.status === 'ended' && s.endedAt ? `Ended ${dateTime(s.endedAt)}` : dateTime(s.startsAt)}
                {s.featured ? ` · featuring ${s.featured.title}` : ''} · {plural(s.followers, 'follower')}
              </p>
            </div>
            <div className="host-row__side">
              <ShowPill status={s.status} />
              {s.featured ? (
                <span className="small mono">
                  {s.featured.remaining}/{s.featured.stock} left
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

const STREAM = /^(https?:\/\/\S+|\/\S*)$/;

/** Schedule a show: title, when, stream, hashtags, and the line-up from the host's catalog. */
export function ScheduleShow({ user }: { user: User }) {
  const products = useLoad(() => api.products({ host: user.id, limit: 200 }), [user.id]);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [startsAt, setStartsAt] = useState(() => toLocalInput(serverClock.now() + 30 * 60_000));
  const [now, setNow] = useState(false);
  const [stream, setStream] = useState('');
  const { rows, row, setRow } = usePickRows({ stock: '20', limit: '2' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Friendly>();
  const [busy, setBusy] = useState(false);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setProblem(undefined);
    const e: Record<string, string> = {};
    if (!title.trim()) e.title = 'Name the show.';
    const badTag = parseTags(tags).find((t) => !HASHTAG.test(t));
    if (badTag) e.tags = `"${badTag}" is not a hashtag.`;
    const start = now ? serverClock.now() : new Date(startsAt).getTime();
    if (!Number.isFinite(start)) e.startsAt = 'Pick when the show starts.';
    if (stream.trim() && !STREAM.test(stream.trim()))
      e.stream = 'An http(s) address of the stream (HLS .m3u8 or a video).';
    const lineup: LineupItem[] = [];
    const variants = (products.data ?? []).flatMap((p) => p.variants);
    for (const [sku, r] of Object.entries(rows)) {
      if (!r.include) continue;
      const v = variants.find((x) => x.sku === sku);
      const stock = wholeNumber(r.stock);
      const limit = wholeNumber(r.limit);
      const price = r.price.trim() ? toCents(r.price) : (v?.priceCents ?? Number.NaN);
      if (!(stock >= 1)) e[`stock-${sku}`] = 'At least 1.';
      if (!(limit >= 1)) e[`limit-${sku}`] = 'At least 1.';
      if (!Number.isFinite(price)) e[`price-${sku}`] = 'A price like 49.99.';
      lineup.push({ sku, stock, priceCents: price, perBuyerLimit: limit });
    }
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    setBusy(true);
    try {
      const show = await api.createShow({
        title: title.trim(),
        startsAt: new Date(start).toISOString(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(stream.trim() ? { streamUrl: stream.trim() } : {}),
        hashtags: parseTags(tags).map((t) => t.replace(/^#/, '').toLowerCase()),
      });
      saveLineup(show.id, lineup);
      navigate(`/host/shows/${show.id}?created=1`);
    } catch (err) {
      setProblem(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  if (products.loading && !products.data) return <Skeleton lines={6} />;

  return (
    <form className="form schedule" onSubmit={(e) => void submit(e)} noValidate data-testid="show-form">
      <section className="card pad">
        <h2 className="h3">The show</h2>
        <div className="form-grid">
          <TextField
            label="Title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={errors.title}
            placeholder="Friday night drops, live"
            data-testid="show-title"
          />
          <TextField
            label="Hashtags"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            error={errors.tags}
            hint="#sneakers #live"
            data-testid="show-tags"
          />
          <TextField
            label="Starts"
            type="datetime-local"
            value={startsAt}
            disabled={now}
            onChange={(e) => setStartsAt(e.target.value)}
            error={errors.startsAt}
            data-testid="show-starts"
          />
          <TextField
            label="Stream URL (optional)"
            type="url"
            inputMode="url"
            value={stream}
            onChange={(e) => setStream(e.target.value)}
            error={errors.stream}
            placeholder="https://…/live.m3u8"
            hint="HLS (.m3u8) or a video file; without one, viewers see your poster."
            data-testid="show-stream"
          />
          <label className="check span-2">
            <input
              type="checkbox"
              checked={now}
              onChange={(e) => setNow(e.target.checked)}
              data-testid="show-now"
            />
            Starting now: I'll go live from the control room
          </label>
          <div className="field span-2">
            <label className="field__label" htmlFor="show-description">
              Description (optional)
            </label>
            <textarea
              id="show-description"
              className="input"
              rows={3}
              maxLength={5000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              data-testid="show-description"
            />
          </div>
        </div>
      </section>

      <section className="card pad">
        <h2 className="h3">Line-up</h2>
        <p className="muted small">
          The products you'll feature, one at a time, from the control room (one tap pins one for buyers).
        </p>
        {products.data && products.data.length === 0 ? (
          <EmptyState title="No products yet">
            <Link to="/host/products" className="btn btn--secondary">
              Add products
            </Link>
          </EmptyState>
        ) : null}
        <VariantPicker
          products={products.data ?? []}
          row={row}
          setRow={setRow}
          errors={errors}
          testIdPrefix="lineup"
          priceLabel="Show price"
        />
      </section>

      {problem ? <ProblemNotice problem={problem} testId="show-form-problem" /> : null}
      <Button type="submit" size="large" loading={busy} data-testid="show-submit">
        Schedule the show
      </Button>
    </form>
  );
}
