import { useState } from 'react';
import { EmptyState, ProblemNotice, Skeleton, TextField } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { serverClock } from '../../lib/clock.ts';
import { dateTime, plural, toLocalInput } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { friendlyError } from '../../lib/problems.ts';
import { Link, navigate } from '../../lib/router.tsx';
import type { ShowStatus, User } from '../../lib/types.ts';
import {
  CheckField,
  checkTags,
  DescriptionField,
  type FieldErrors,
  FormCard,
  hashtagsOf,
  LISTINGS,
  ScheduleForm,
  StartsField,
  toCents,
  useHostForm,
  useHostProducts,
  useTextFields,
} from './form-parts.tsx';
import { usePickRows, VariantPicker, wholeNumber } from './VariantPicker.tsx';

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
  const products = useHostProducts(user);
  const text = useTextFields(() => ({
    title: '',
    description: '',
    tags: '',
    startsAt: toLocalInput(serverClock.now() + 30 * 60_000),
    stream: '',
  }));
  const [now, setNow] = useState(false);
  const pick = usePickRows({ stock: '20', limit: '2' });
  const form = useHostForm();
  const { errors } = form;
  const { bind } = text;

  const check = (e: FieldErrors) => {
    const { title, description, tags, startsAt, stream } = text.values;
    if (!title.trim()) e.title = 'Name the show.';
    checkTags(tags, e);
    const start = now ? serverClock.now() : new Date(startsAt).getTime();
    if (!Number.isFinite(start)) e.startsAt = 'Pick when the show starts.';
    if (stream.trim() && !STREAM.test(stream.trim()))
      e.stream = 'An http(s) address of the stream (HLS .m3u8 or a video).';
    const lineup: LineupItem[] = [];
    const variants = (products.data ?? []).flatMap((p) => p.variants);
    for (const [sku, r] of Object.entries(pick.rows)) {
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
    return async () => {
      const show = await api.createShow({
        title: title.trim(),
        startsAt: new Date(start).toISOString(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(stream.trim() ? { streamUrl: stream.trim() } : {}),
        hashtags: hashtagsOf(tags),
      });
      saveLineup(show.id, lineup);
      navigate(`/host/shows/${show.id}?created=1`);
    };
  };

  if (products.loading && !products.data) return <Skeleton lines={6} />;

  const more = (
    <>
      <StartsField
        label="Starts"
        {...bind('startsAt')}
        disabled={now}
        error={errors.startsAt}
        testId="show-starts"
      />
      <TextField
        label="Stream URL (optional)"
        type="url"
        inputMode="url"
        {...bind('stream')}
        error={errors.stream}
        placeholder="https://…/live.m3u8"
        hint="HLS (.m3u8) or a video file; without one, viewers see your poster."
        data-testid="show-stream"
      />
      <CheckField className="check span-2" checked={now} onChange={setNow} testId="show-now">
        Starting now: I'll go live from the control room
      </CheckField>
      <DescriptionField id="show-description" rows={3} maxLength={5000} {...bind('description')} />
    </>
  );
  return (
    <ScheduleForm listing={LISTINGS.show} form={form} text={text} check={check} more={more}>
      <FormCard heading="Line-up">
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
        <VariantPicker products={products.data} pick={pick} errors={errors} ids="lineup" price="Show price" />
      </FormCard>
    </ScheduleForm>
  );
}
