import { type FormEvent, useMemo, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { PauseIcon, PlayIcon, RepeatIcon } from '../../components/Icons.tsx';
import { Button, EmptyState, Notice, ProblemNotice, Skeleton, TextField } from '../../components/ui.tsx';
import { api, type NewParty } from '../../lib/api.ts';
import { dateTime, partySchedule, plural, WEEK_ORDER, WEEKDAYS } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { Link, navigate, useLocation } from '../../lib/router.tsx';
import { useServerNow } from '../../lib/ticker.ts';
import type { Party, PartyFrequency, PartyState, User } from '../../lib/types.ts';
import { parseTags, toCents } from './HostProducts.tsx';
import { HASHTAG, usePickRows, VariantPicker, wholeNumber } from './VariantPicker.tsx';

const STATES: readonly PartyState[] = ['active', 'paused', 'ended'];
const STATE_TEXT: Record<PartyState, string> = { active: 'Active', paused: 'Paused', ended: 'Ended' };
const STATE_PILL: Record<PartyState, string> = { active: 'scheduled', paused: 'paused', ended: 'ended' };

export function PartyPill({ state }: { state: PartyState }) {
  return (
    <span className={`pill pill--${STATE_PILL[state]}`} data-testid="party-state" data-state={state}>
      {STATE_TEXT[state]}
    </span>
  );
}

/** The browser's IANA zone, the form's default (UTC when it has none). */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every zone the browser knows, for the time zone field's suggestions. */
function knownZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The host's parties of every state (active, then paused, then ended), each with its rule, its
 * next start, its current or next sale, and pause / resume / end. `GET /api/parties` answers one
 * state at a time: three calls. An admin sees everyone's.
 */
export function HostParties({ user }: { user: User }) {
  const { search } = useLocation();
  const created = search.get('created');
  const parties = useLoad(
    async (signal) => {
      const host = user.role === 'admin' ? {} : { host: user.id };
      const lists = await Promise.all(
        STATES.map((state) => api.parties({ state, limit: 200, ...host }, signal)),
      );
      return lists.flat();
    },
    [user.id, user.role],
  );
  const replace = (next: Party) =>
    parties.setData((prev) => (prev ?? []).map((p) => (p.id === next.id ? next : p)));
  const fresh = created ? parties.data?.find((p) => p.id === created) : undefined;
  const now = useServerNow(1000);

  return (
    <section aria-labelledby="host-parties" data-testid="host-parties">
      <div className="section__head">
        <h2 id="host-parties">Your parties</h2>
        <Link to="/host/parties/new" className="btn btn--primary btn--small" data-testid="new-party">
          Start a party
        </Link>
      </div>
      <p className="muted small party-intro">
        A party is a drop that comes back at the same local time, every day or on the days you pick. Each one
        opens as its own sale, created a day ahead with the stock you set here.
      </p>
      {fresh ? (
        <Notice tone="success" title="Party started" testId="party-created">
          {fresh.sales[0]
            ? `Its first sale is scheduled for ${dateTime(fresh.sales[0].startsAt)}.`
            : 'Its first sale is created a day before it starts.'}
        </Notice>
      ) : null}
      {parties.error ? <ProblemNotice problem={friendlyError(parties.error)} /> : null}
      {parties.loading && !parties.data ? <Skeleton lines={4} /> : null}
      {parties.data && parties.data.length === 0 ? (
        <EmptyState title="No parties yet">
          <p>Bring buyers back at the same time every week: "Vinyl Friday, 20:00".</p>
          <Link to="/host/parties/new" className="btn btn--secondary">
            Start your first party
          </Link>
        </EmptyState>
      ) : null}
      <ul className="host-list">
        {(parties.data ?? []).map((p) => (
          <PartyRow key={p.id} party={p} now={now} onChange={replace} highlight={p.id === created} />
        ))}
      </ul>
    </section>
  );
}

function PartyRow({
  party,
  now,
  onChange,
  highlight,
}: {
  party: Party;
  /** Server time, from the list's ticker. */
  now: number;
  onChange: (p: Party) => void;
  highlight: boolean;
}) {
  const [busy, setBusy] = useState<'pause' | 'resume' | 'end'>();
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const next = party.nextOccurrences.find((t) => Date.parse(t) > now);
  const sale = party.sales.find((s) => Date.parse(s.endsAt) > now);
  const on = sale !== undefined && Date.parse(sale.startsAt) <= now;

  const act = async (kind: 'pause' | 'resume' | 'end') => {
    setBusy(kind);
    setProblem(undefined);
    try {
      onChange(
        kind === 'end'
          ? await api.endParty(party.id)
          : await api.setPartyState(party.id, kind === 'pause' ? 'paused' : 'active'),
      );
      setConfirmEnd(false);
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <li
      className={`card party-row${highlight ? ' is-new' : ''}`}
      data-testid="host-party-row"
      data-party-id={party.id}
      data-state={party.state}
    >
      <div className="party-row__main">
        <p className="host-row__title">{party.title}</p>
        <p className="party-row__schedule" data-testid="party-schedule">
          <RepeatIcon size={15} /> {partySchedule(party.recurrence)}
        </p>
        <p className="small" data-testid="party-next">
          {party.state === 'active' && next ? (
            <>
              Next: {dateTime(next)} · in <Countdown to={next} testId="party-next-countdown" />
            </>
          ) : party.state === 'paused' ? (
            'Paused: no new sales are created until you resume it.'
          ) : party.state === 'ended' ? (
            'Ended: it creates no more sales.'
          ) : (
            'No start to come.'
          )}
        </p>
        <p className="muted small">
          {plural(party.items.length, 'item')} · {party.durationMinutes} min each · holds{' '}
          {plural(Math.round(party.holdSeconds / 60), 'minute')}
        </p>
        {sale ? (
          <p className="small">
            <Link to={`/host/sales/${sale.id}`} data-testid="party-sale-link">
              {on ? 'On now' : 'Next sale'}: {dateTime(sale.startsAt)} →
            </Link>
          </p>
        ) : null}
      </div>
      <div className="party-row__side">
        <PartyPill state={party.state} />
        {party.state !== 'ended' ? (
          <div className="party-row__actions">
            {party.state === 'active' ? (
              <Button
                variant="secondary"
                size="small"
                loading={busy === 'pause'}
                onClick={() => void act('pause')}
                data-testid="party-pause"
              >
                <PauseIcon size={14} /> Pause
              </Button>
            ) : (
              <Button
                variant="secondary"
                size="small"
                loading={busy === 'resume'}
                onClick={() => void act('resume')}
                data-testid="party-resume"
              >
                <PlayIcon size={14} /> Resume
              </Button>
            )}
            {confirmEnd ? (
              <>
                <Button
                  variant="danger"
                  size="small"
                  loading={busy === 'end'}
                  onClick={() => void act('end')}
                  data-testid="party-end-confirm"
                >
                  Yes, end it
                </Button>
                <Button variant="ghost" size="small" onClick={() => setConfirmEnd(false)}>
                  Keep it
                </Button>
              </>
            ) : (
              <Button
                variant="ghost"
                size="small"
                onClick={() => setConfirmEnd(true)}
                data-testid="party-end"
              >
                End
              </Button>
            )}
          </div>
        ) : null}
      </div>
      {problem ? (
        <div className="party-row__problem">
          <ProblemNotice problem={problem} testId="party-problem" />
        </div>
      ) : null}
    </li>
  );
}

/**
 * Start a party: the rule (every day, or on chosen weekdays, at a local time in a zone), how
 * long each sale runs, the hold time, and the items each one starts with from the host's catalog.
 */
export function ScheduleParty({ user }: { user: User }) {
  const products = useLoad(() => api.products({ host: user.id, limit: 200 }), [user.id]);
  const zones = useMemo(knownZones, []);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [frequency, setFrequency] = useState<PartyFrequency>('weekly');
  const [weekdays, setWeekdays] = useState<number[]>(() => [new Date().getDay()]);
  const [time, setTime] = useState('20:00');
  const [timeZone, setTimeZone] = useState(browserZone);
  const [duration, setDuration] = useState('60');
  const [hold, setHold] = useState('300');
  const { rows, row, setRow } = usePickRows({ stock: '20', limit: '1' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Friendly>();
  const [busy, setBusy] = useState(false);

  const toggleDay = (d: number, on: boolean) =>
    setWeekdays((w) => (on ? [...new Set([...w, d])] : w.filter((x) => x !== d)).sort((a, b) => a - b));

  const zone = timeZone.trim();
  const preview =
    TIME.test(time) && zone && isTimeZone(zone) && (frequency === 'daily' || weekdays.length > 0)
      ? partySchedule({ frequency, weekdays, time, timeZone: zone })
      : undefined;

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setProblem(undefined);
    const e: Record<string, string> = {};
    if (!title.trim()) e.title = 'Name the party.';
    const badTag = parseTags(tags).find((t) => !HASHTAG.test(t));
    if (badTag) e.tags = `"${badTag}" is not a hashtag.`;
    if (frequency === 'weekly' && weekdays.length === 0) e.weekdays = 'Pick at least one day.';
    if (!TIME.test(time)) e.time = 'A time like 20:00.';
    if (!zone) e.timeZone = 'Pick a time zone.';
    else if (!isTimeZone(zone)) e.timeZone = `"${zone}" is not a time zone this browser knows.`;
    const minutes = wholeNumber(duration);
    if (!(minutes >= 1 && minutes <= 1_440)) e.duration = 'From 1 to 1,440 minutes (a day).';
    const holdS = wholeNumber(hold);
    if (!(holdS >= 10 && holdS <= 86_400)) e.hold = 'Between 10 and 86,400 seconds.';
    const chosen = Object.entries(rows).filter(([, r]) => r.include);
    if (chosen.length === 0) e.items = 'Pick at least one product variant.';
    const items: NewParty['items'] = [];
    for (const [sku, r] of chosen) {
      const stock = wholeNumber(r.stock);
      const limit = wholeNumber(r.limit);
      if (!(stock >= 0)) e[`stock-${sku}`] = 'Whole units.';
      if (!(limit >= 1)) e[`limit-${sku}`] = 'At least 1.';
      const price = r.price.trim() ? toCents(r.price) : undefined;
      if (price !== undefined && !Number.isFinite(price)) e[`price-${sku}`] = 'A price like 49.99.';
      items.push({ sku, stock, perBuyerLimit: limit, ...(price !== undefined ? { priceCents: price } : {}) });
    }
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    setBusy(true);
    try {
      const party = await api.createParty({
        title: title.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        hashtags: parseTags(tags).map((t) => t.replace(/^#/, '').toLowerCase()),
        recurrence:
          frequency === 'weekly'
            ? { frequency, weekdays, time, timeZone: zone }
            : { frequency, time, timeZone: zone },
        durationMinutes: minutes,
        holdSeconds: holdS,
        items,
      });
      navigate(`/host/parties?created=${encodeURIComponent(party.id)}`);
    } catch (err) {
      setProblem(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  if (products.loading && !products.data) return <Skeleton lines={6} />;
  if (products.data && products.data.length === 0) {
    return (
      <EmptyState title="Add a product first">
        <p>Each of a party's sales sells variants of your products.</p>
        <Link to="/host/products" className="btn btn--primary">
          Add products
        </Link>
      </EmptyState>
    );
  }

  return (
    <form className="form schedule" onSubmit={(e) => void submit(e)} noValidate data-testid="party-form">
      <section className="card pad">
        <h2 className="h3">The party</h2>
        <div className="form-grid">
          <TextField
            label="Title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={errors.title}
            placeholder="Vinyl Friday"
            data-testid="party-title"
          />
          <TextField
            label="Hashtags"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            error={errors.tags}
            hint="#vinyl #party"
            data-testid="party-tags"
          />
          <div className="field span-2">
            <label className="field__label" htmlFor="party-description">
              Description (optional)
            </label>
            <textarea
              id="party-description"
              className="input"
              rows={2}
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              data-testid="party-description"
            />
          </div>
        </div>
      </section>

      <section className="card pad">
        <h2 className="h3">When</h2>
        <div className="segmented segmented--2" role="radiogroup" aria-label="How often">
          {(
            [
              ['daily', 'Every day'],
              ['weekly', 'Some weekdays'],
            ] as const
          ).map(([f, label]) => (
            <label key={f} className={`segmented__opt${frequency === f ? ' is-checked' : ''}`}>
              <input
                type="radio"
                name="party-frequency"
                value={f}
                checked={frequency === f}
                onChange={() => setFrequency(f)}
                data-testid={`party-frequency-${f}`}
              />
              {label}
            </label>
          ))}
        </div>
        {frequency === 'weekly' ? (
          <fieldset
            className="weekdays"
            aria-describedby={errors.weekdays ? 'party-weekdays-error' : undefined}
          >
            <legend className="field__label">Days</legend>
            <div className="weekdays__list">
              {WEEK_ORDER.map((d) => (
                <label key={d} className={`weekday${weekdays.includes(d) ? ' is-on' : ''}`}>
                  <input
                    type="checkbox"
                    checked={weekdays.includes(d)}
                    onChange={(e) => toggleDay(d, e.target.checked)}
                    data-testid={`party-weekday-${d}`}
                  />
                  {WEEKDAYS[d]}
                </label>
              ))}
            </div>
            {errors.weekdays ? (
              <p className="field__error" id="party-weekdays-error" role="alert">
                {errors.weekdays}
              </p>
            ) : null}
          </fieldset>
        ) : null}
        <div className="form-grid">
          <TextField
            label="Starts at"
            type="time"
            value={time}
            onChange={(e) => setTime(e.target.value)}
            error={errors.time}
            hint="Local time in the zone below."
            data-testid="party-time"
          />
          <TextField
            label="Time zone"
            value={timeZone}
            onChange={(e) => setTimeZone(e.target.value)}
            error={errors.timeZone}
            list="party-zones"
            autoComplete="off"
            spellCheck={false}
            hint="Daylight saving follows the zone's rules."
            data-testid="party-timezone"
          />
          <TextField
            label="Each sale lasts (minutes)"
            inputMode="numeric"
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            error={errors.duration}
            data-testid="party-duration"
          />
          <TextField
            label="Hold time (seconds)"
            inputMode="numeric"
            value={hold}
            onChange={(e) => setHold(e.target.value)}
            error={errors.hold}
            hint="How long a claim is held for checkout."
            data-testid="party-hold"
          />
        </div>
        <datalist id="party-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p className="party-preview" data-testid="party-preview" aria-live="polite">
          <RepeatIcon size={16} />{' '}
          {preview
            ? `${preview} · ${plural(wholeNumber(duration) || 0, 'minute')} each`
            : 'Pick the days, time and zone.'}
        </p>
      </section>

      <section className="card pad">
        <h2 className="h3">Items</h2>
        <p className="muted small">Every sale of the party starts with this stock.</p>
        {errors.items ? (
          <p className="field__error" role="alert">
            {errors.items}
          </p>
        ) : null}
        <VariantPicker
          products={products.data ?? []}
          row={row}
          setRow={setRow}
          errors={errors}
          testIdPrefix="party-item"
          priceLabel="Price"
        />
      </section>

      {problem ? <ProblemNotice problem={problem} testId="party-form-problem" /> : null}
      <Button type="submit" size="large" loading={busy} data-testid="party-submit">
        Start the party
      </Button>
    </form>
  );
}
