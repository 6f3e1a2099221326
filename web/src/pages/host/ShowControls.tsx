import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { StockBar } from '../../components/StockBar.tsx';
import { Button, ProblemNotice, SelectField, TextField } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { money, plural } from '../../lib/format.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { useReachedAt } from '../../lib/ticker.ts';
import type { Auction, AuctionBid, Faq, Giveaway, Poll, Product, Show } from '../../lib/types.ts';
import type { Room } from '../show/room.tsx';
import { BlockedWordsField } from './BlockedWordsField.tsx';
import { fromCents, toCents } from './HostProducts.tsx';
import { type LineupItem, loadLineup } from './HostShows.tsx';
import { wholeNumber } from './VariantPicker.tsx';

/** A control panel of the room: a card with a heading and its own refusal line. */
function Panel({
  title,
  children,
  testId,
  aside,
  className = '',
}: {
  title: string;
  children: ReactNode;
  testId: string;
  aside?: ReactNode;
  className?: string;
}) {
  const id = `${testId}-title`;
  return (
    <section className={`card pad control ${className}`} aria-labelledby={id} data-testid={testId}>
      <div className="control__head">
        <h3 id={id} className="control__title">
          {title}
        </h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** Runs one action of a panel: busy while it runs, its refusal said in the panel. */
function useAction() {
  const [busy, setBusy] = useState<string>();
  const [problem, setProblem] = useState<Friendly>();
  const run = async (key: string, f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(key);
    setProblem(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setProblem(friendlyError(e));
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, problem, run, setProblem };
}

interface Variant {
  readonly sku: string;
  readonly title: string;
  readonly product: string;
  readonly imageUrl: string | null;
  readonly priceCents: number;
  readonly currency: string;
}

export const variantsOf = (products: readonly Product[] | undefined): Variant[] =>
  (products ?? []).flatMap((p) =>
    p.variants.map((v) => ({
      sku: v.sku,
      title: v.title,
      product: p.title,
      imageUrl: p.imageUrl,
      priceCents: v.priceCents,
      currency: v.currency,
    })),
  );

// ---------------------------------------------------------------------------------------------
// Products: what is featured (live stock), the line-up, the rest of the catalog; pin one.

function FeatureRow({
  v,
  plan,
  featured,
  disabled,
  onFeature,
  busy,
}: {
  v: Variant;
  plan: LineupItem | undefined;
  featured: boolean;
  disabled: boolean;
  busy: boolean;
  onFeature: (body: { sku: string; stock: number; priceCents: number; perBuyerLimit: number }) => void;
}) {
  const [stock, setStock] = useState(String(plan?.stock ?? 10));
  const [price, setPrice] = useState(fromCents(plan?.priceCents ?? v.priceCents));
  const [limit, setLimit] = useState(String(plan?.perBuyerLimit ?? 1));
  const [error, setError] = useState<string>();
  const submit = () => {
    const s = wholeNumber(stock);
    const l = wholeNumber(limit);
    const p = toCents(price);
    if (!(s >= 1) || !(l >= 1) || !Number.isFinite(p)) {
      setError('Stock and limit: whole numbers from 1; price like 25 or 24.99.');
      return;
    }
    setError(undefined);
    onFeature({ sku: v.sku, stock: s, priceCents: p, perBuyerLimit: l });
  };
  return (
    <li className={`feature-row${featured ? ' is-featured' : ''}`} data-testid={`feature-row-${v.sku}`}>
      <div className="feature-row__what">
        {v.imageUrl ? <img src={v.imageUrl} alt="" width={40} height={40} /> : null}
        <span>
          <strong>{v.product}</strong> · {v.title}
          <span className="muted small block">
            <span className="mono">{v.sku}</span>
            {plan ? ' · in the line-up' : ''}
          </span>
        </span>
      </div>
      <div className="feature-row__fields">
        <label>
          <span>{featured ? 'Add units' : 'Units'}</span>
          <input
            className="input"
            inputMode="numeric"
            value={stock}
            onChange={(e) => setStock(e.target.value)}
            data-testid={`feature-stock-${v.sku}`}
          />
        </label>
        <label>
          <span>Price ({v.currency})</span>
          <input
            className="input"
            inputMode="decimal"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            data-testid={`feature-price-${v.sku}`}
          />
        </label>
        <label>
          <span>Limit</span>
          <input
            className="input"
            inputMode="numeric"
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            data-testid={`feature-limit-${v.sku}`}
          />
        </label>
        <Button
          size="small"
          loading={busy}
          disabled={disabled}
          onClick={submit}
          data-testid={`feature-${v.sku}`}
        >
          {featured ? 'Restock' : 'Feature'}
        </Button>
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function ProductsControl({ show, products }: { show: Show; products: Product[] | undefined }) {
  const { busy, problem, run } = useAction();
  const lineup = useMemo(() => loadLineup(show.id), [show.id]);
  const variants = variantsOf(products);
  const planned = lineup.flatMap((l) => variants.filter((v) => v.sku === l.sku));
  const others = variants.filter((v) => !lineup.some((l) => l.sku === v.sku));
  const ended = show.status === 'ended';
  const f = show.featured;
  const row = (v: Variant) => (
    <FeatureRow
      key={v.sku}
      v={v}
      plan={lineup.find((l) => l.sku === v.sku)}
      featured={f?.sku === v.sku}
      disabled={ended || busy !== undefined}
      busy={busy === v.sku}
      onFeature={(body) => void run(v.sku, () => api.feature(show.id, body))}
    />
  );
  return (
    <Panel title="Products" testId="control-products" className="control--products">
      {f ? (
        <div className="control__featured" data-testid="host-featured" data-sku={f.sku}>
          {f.imageUrl ? <img src={f.imageUrl} alt="" width={56} height={56} /> : null}
          <div className="control__featured-text">
            <p className="room-card__eyebrow">Featured now</p>
            <p className="control__featured-title">{f.title}</p>
            <p className="small">
              {money(f.priceCents, f.currency)} · limit {f.perBuyerLimit}
            </p>
            <StockBar remaining={f.remaining} stock={f.stock} compact testId="host-featured-stock" />
          </div>
          <Button
            variant="ghost"
            size="small"
            loading={busy === 'unpin'}
            disabled={ended}
            onClick={() => void run('unpin', () => api.unfeature(show.id))}
            data-testid="unfeature"
          >
            Unpin
          </Button>
        </div>
      ) : (
        <p className="muted small">Nothing featured: pin a product and viewers buy it with one tap.</p>
      )}
      {problem ? <ProblemNotice problem={problem} testId="feature-problem" /> : null}
      {planned.length > 0 ? (
        <>
          <p className="control__sub">Line-up</p>
          <ul className="feature-list">{planned.map(row)}</ul>
        </>
      ) : null}
      {others.length > 0 ? (
        <details className="control__more" open={planned.length === 0 && !f}>
          <summary>
            {planned.length > 0 ? `Other products (${others.length})` : `Your catalog (${others.length})`}
          </summary>
          <ul className="feature-list">{others.map(row)}</ul>
        </details>
      ) : null}
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// Auctions: start one for a SKU; follow the running one (price, leader, bids, the clock).

function RunningAuction({ a, room }: { a: Auction; room: Room }) {
  const [bids, setBids] = useState<AuctionBid[]>([]);
  const closing = useReachedAt(Date.parse(a.endsAt));
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new bid or the end reloads the list
  useEffect(() => {
    let live = true;
    api.auctionBids(a.id).then(
      (b) => {
        if (!live) return;
        for (const x of b) room.learn(x.bidderId, x.bidderName);
        setBids(b.slice(0, 5));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [a.id, a.bidCount, a.status, room]);
  const leader = bids[0]?.bidderName ?? room.nameOf(a.highBidderId);
  return (
    <div className="control__auction" data-testid="host-auction" data-status={a.status}>
      <div className="row between">
        <p className="control__featured-title">{a.title}</p>
        {a.status === 'running' ? (
          closing ? (
            <span className="badge badge--warning">Closing…</span>
          ) : (
            <Countdown to={a.endsAt} testId="host-auction-timer" className="control__timer" />
          )
        ) : (
          <span className="badge">{a.status.replaceAll('_', ' ')}</span>
        )}
      </div>
      <p className="control__price" data-testid="host-auction-price">
        {money(a.highCents ?? a.startCents, a.currency)}
        <span className="muted small">
          {' '}
          · {plural(a.bidCount, 'bid')}
          {leader ? ` · ${a.status === 'sold' ? 'won by' : 'leading'} ${leader}` : ''}
          {a.reserve.set ? (a.reserve.met ? ' · reserve met' : ' · reserve not met') : ''}
        </span>
      </p>
      {bids.length > 0 ? (
        <ol className="control__bids">
          {bids.map((b) => (
            <li key={b.id}>
              <span>{b.bidderName}</span>
              <span className="mono">{money(b.amountCents, a.currency)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

export function AuctionControl({
  show,
  auction,
  products,
  room,
}: {
  show: Show;
  auction: Auction | null | undefined;
  products: Product[] | undefined;
  room: Room;
}) {
  const variants = variantsOf(products);
  const { busy, problem, run, setProblem } = useAction();
  const [sku, setSku] = useState('');
  const [start, setStart] = useState('10');
  const [inc, setInc] = useState('1');
  const [duration, setDuration] = useState('60');
  const [sudden, setSudden] = useState(false);
  const [reserve, setReserve] = useState('');
  const [extend, setExtend] = useState('');
  const chosen = sku || show.featured?.sku || variants[0]?.sku || '';
  const running = auction?.status === 'running';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const startCents = toCents(start);
    const incrementCents = toCents(inc);
    const durationSeconds = wholeNumber(duration);
    const reserveCents = reserve.trim() ? toCents(reserve) : undefined;
    const extendWindowSeconds = extend.trim() ? wholeNumber(extend) : undefined;
    if (
      !chosen ||
      !(startCents >= 1) ||
      !(incrementCents >= 1) ||
      !(durationSeconds >= 5 && durationSeconds <= 3600) ||
      (reserveCents !== undefined && !(reserveCents >= 1)) ||
      (extendWindowSeconds !== undefined && !(extendWindowSeconds >= 1 && extendWindowSeconds <= 120))
    ) {
      setProblem({
        code: 'validation_failed',
        title: 'Check the auction',
        detail: 'Prices like 10 or 9.50; a duration of 5 to 3,600 s; an extension window of 1 to 120 s.',
      });
      return;
    }
    void run('start', () =>
      api.startAuction(show.id, {
        sku: chosen,
        startCents,
        incrementCents,
        durationSeconds,
        suddenDeath: sudden,
        ...(reserveCents !== undefined ? { reserveCents } : {}),
        ...(extendWindowSeconds !== undefined ? { extendWindowSeconds } : {}),
      }),
    );
  };

  return (
    <Panel
      title="Auction"
      testId="control-auction"
      className="control--auction"
      aside={running ? <span className="badge badge--hot">Running</span> : null}
    >
      {auction ? <RunningAuction a={auction} room={room} /> : null}
      {!running ? (
        <form className="control__form" onSubmit={submit} noValidate data-testid="auction-form">
          <SelectField
            label="Item"
            value={chosen}
            onChange={(e) => setSku(e.target.value)}
            data-testid="auction-sku"
          >
            {variants.map((v) => (
              <option key={v.sku} value={v.sku}>
                {v.product} · {v.title} ({v.sku})
              </option>
            ))}
          </SelectField>
          <div className="control__grid">
            <TextField
              label="Opening bid"
              inputMode="decimal"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              data-testid="auction-start"
            />
            <TextField
              label="Increment"
              inputMode="decimal"
              value={inc}
              onChange={(e) => setInc(e.target.value)}
              data-testid="auction-increment"
            />
            <TextField
              label="Duration (s)"
              inputMode="numeric"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
              data-testid="auction-duration"
            />
            <TextField
              label="Reserve (optional)"
              inputMode="decimal"
              value={reserve}
              onChange={(e) => setReserve(e.target.value)}
              hint="Below it, nothing is sold."
              data-testid="auction-reserve"
            />
            <TextField
              label="Extend window (s)"
              inputMode="numeric"
              value={extend}
              placeholder="10"
              disabled={sudden}
              onChange={(e) => setExtend(e.target.value)}
              hint="A late bid adds this much."
              data-testid="auction-extend"
            />
            <label className="check control__check">
              <input
                type="checkbox"
                checked={sudden}
                onChange={(e) => setSudden(e.target.checked)}
                data-testid="auction-sudden"
              />
              Sudden death (no extensions)
            </label>
          </div>
          {problem ? <ProblemNotice problem={problem} testId="auction-problem" /> : null}
          <Button
            type="submit"
            loading={busy === 'start'}
            disabled={show.status !== 'live'}
            data-testid="auction-submit"
          >
            {show.status === 'live' ? 'Start the auction' : 'Go live to run auctions'}
          </Button>
        </form>
      ) : null}
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// Polls: ask (2–6 options), watch the results, close.

export function PollControl({ show, poll }: { show: Show; poll: Poll | null | undefined }) {
  const { busy, problem, run, setProblem } = useAction();
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const open = poll?.status === 'open';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const opts = options.map((o) => o.trim()).filter(Boolean);
    if (!question.trim() || opts.length < 2) {
      setProblem({
        code: 'invalid_poll',
        title: 'Check the poll',
        detail: 'A question and at least 2 answers.',
      });
      return;
    }
    if (await run('open', () => api.openPoll(show.id, { question: question.trim(), options: opts }))) {
      setQuestion('');
      setOptions(['', '']);
    }
  };
  return (
    <Panel
      title="Poll"
      testId="control-poll"
      className="control--poll"
      aside={open ? <span className="badge badge--success">Open</span> : null}
    >
      {poll ? (
        <div className="control__poll" data-testid="host-poll" data-status={poll.status}>
          <p className="control__featured-title">{poll.question}</p>
          <ul className="poll-card__results">
            {poll.results.options.map((o) => (
              <li key={o.option} className="poll-card__result">
                <span className="poll-card__bar" style={{ width: `${o.percent}%` }} aria-hidden="true" />
                <span className="poll-card__label">{o.option}</span>
                <span className="poll-card__pct">
                  {o.count} · {o.percent}%
                </span>
              </li>
            ))}
          </ul>
          {open ? (
            <Button
              size="small"
              variant="secondary"
              loading={busy === 'close'}
              onClick={() => void run('close', () => api.closePoll(poll.id))}
              data-testid="poll-close"
            >
              Close the poll
            </Button>
          ) : null}
        </div>
      ) : null}
      <form className="control__form" onSubmit={(e) => void submit(e)} noValidate data-testid="poll-form">
        <TextField
          label={open ? 'Ask another (closes this one)' : 'Question'}
          value={question}
          maxLength={200}
          onChange={(e) => setQuestion(e.target.value)}
          data-testid="poll-question"
        />
        {options.map((o, i) => (
          <TextField
            // biome-ignore lint/suspicious/noArrayIndexKey: answers are edited in place
            key={i}
            label={`Answer ${i + 1}`}
            value={o}
            maxLength={80}
            onChange={(e) => setOptions((os) => os.map((x, j) => (j === i ? e.target.value : x)))}
            data-testid={`poll-answer-${i}`}
          />
        ))}
        <div className="row">
          {options.length < 6 ? (
            <Button size="small" variant="ghost" onClick={() => setOptions((os) => [...os, ''])}>
              + Answer
            </Button>
          ) : null}
          {options.length > 2 ? (
            <Button size="small" variant="ghost" onClick={() => setOptions((os) => os.slice(0, -1))}>
              − Answer
            </Button>
          ) : null}
        </div>
        {problem ? <ProblemNotice problem={problem} /> : null}
        <Button
          type="submit"
          loading={busy === 'open'}
          disabled={show.status === 'ended'}
          data-testid="poll-submit"
        >
          Start the poll
        </Button>
      </form>
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// Giveaways: open the entries for a while, draw a winner (a free order for them).

export function GiveawayControl({
  show,
  giveaway,
  products,
  room,
}: {
  show: Show;
  giveaway: Giveaway | null | undefined;
  products: Product[] | undefined;
  room: Room;
}) {
  const variants = variantsOf(products);
  const { busy, problem, run, setProblem } = useAction();
  const [sku, setSku] = useState('');
  const [duration, setDuration] = useState('60');
  const chosen = sku || variants[0]?.sku || '';
  const open = giveaway?.status === 'open';
  const entriesClosed = useReachedAt(giveaway ? Date.parse(giveaway.closesAt) : undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const d = wholeNumber(duration);
    if (!chosen || !(d >= 5 && d <= 3600)) {
      setProblem({
        code: 'validation_failed',
        title: 'Check the giveaway',
        detail: 'Entries stay open 5 to 3,600 s.',
      });
      return;
    }
    void run('open', () => api.openGiveaway(show.id, { sku: chosen, durationSeconds: d }));
  };
  return (
    <Panel
      title="Giveaway"
      testId="control-giveaway"
      className="control--giveaway"
      aside={open ? <span className="badge badge--warning">Open</span> : null}
    >
      {giveaway ? (
        <div className="control__giveaway" data-testid="host-giveaway" data-status={giveaway.status}>
          <p className="control__featured-title">{giveaway.title}</p>
          <p className="small">
            {plural(giveaway.entrants, 'entry', 'entries')}
            {open && !entriesClosed ? (
              <>
                {' '}
                · closes in <Countdown to={giveaway.closesAt} />
              </>
            ) : null}
            {giveaway.status === 'drawn' ? (
              <>
                {' '}
                · won by{' '}
                <strong data-testid="giveaway-winner-name">
                  {room.nameOf(giveaway.winnerId) ?? 'a viewer'}
                </strong>
              </>
            ) : null}
            {giveaway.status === 'no_entries' ? ' · nobody entered' : null}
          </p>
          {open ? (
            <Button
              size="small"
              loading={busy === 'draw'}
              onClick={() => void run('draw', () => api.drawGiveaway(giveaway.id))}
              data-testid="giveaway-draw"
            >
              {entriesClosed ? 'Draw the winner' : 'Close entries and draw'}
            </Button>
          ) : null}
        </div>
      ) : null}
      {!open ? (
        <form className="control__form" onSubmit={submit} noValidate data-testid="giveaway-form">
          <div className="control__grid">
            <SelectField
              label="Prize"
              value={chosen}
              onChange={(e) => setSku(e.target.value)}
              data-testid="giveaway-sku"
            >
              {variants.map((v) => (
                <option key={v.sku} value={v.sku}>
                  {v.product} · {v.title}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Entries open for (s)"
              inputMode="numeric"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
              data-testid="giveaway-duration"
            />
          </div>
          <Button
            type="submit"
            loading={busy === 'open'}
            disabled={show.status === 'ended'}
            data-testid="giveaway-submit"
          >
            Start a giveaway
          </Button>
        </form>
      ) : null}
      {problem ? <ProblemNotice problem={problem} /> : null}
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// Room settings: slow mode, comment-to-buy, blocked words, the pinned announcement, the stream; the FAQ bot.

const SLOW_MODES = [0, 3, 10, 30, 60];

export function SettingsControl({ show }: { show: Show }) {
  const { busy, problem, run } = useAction();
  const [keyword, setKeyword] = useState(show.commentToBuy.keyword);
  const [announcement, setAnnouncement] = useState('');
  const [stream, setStream] = useState(show.streamUrl ?? '');
  const ended = show.status === 'ended';
  return (
    <Panel title="Room" testId="control-settings" className="control--settings">
      <div className="control__form">
        <SelectField
          label="Slow mode"
          value={String(show.slowModeSeconds)}
          disabled={ended || busy !== undefined}
          onChange={(e) =>
            void run('slow', () => api.updateShow(show.id, { slowModeSeconds: Number(e.target.value) }))
          }
          hint="One message per viewer every so often (you and moderators are never slowed)."
          data-testid="slow-mode"
        >
          {[...new Set([...SLOW_MODES, show.slowModeSeconds])]
            .sort((a, b) => a - b)
            .map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'Off' : `One message every ${s} s`}
              </option>
            ))}
        </SelectField>

        <div className="control__inline">
          <label className="check">
            <input
              type="checkbox"
              checked={show.commentToBuy.enabled}
              disabled={ended || busy !== undefined}
              onChange={(e) =>
                void run('c2b', () => api.updateShow(show.id, { commentToBuy: e.target.checked }))
              }
              data-testid="c2b-toggle"
            />
            Comment to buy
          </label>
          <input
            className="input control__keyword"
            aria-label="Comment-to-buy keyword"
            value={keyword}
            maxLength={20}
            onChange={(e) => setKeyword(e.target.value)}
            data-testid="c2b-keyword"
          />
          <Button
            size="small"
            variant="secondary"
            loading={busy === 'keyword'}
            disabled={
              ended ||
              !/^[A-Za-z0-9#!]{1,20}$/.test(keyword.trim()) ||
              keyword.trim() === show.commentToBuy.keyword
            }
            onClick={() => void run('keyword', () => api.updateShow(show.id, { keyword: keyword.trim() }))}
          >
            Save
          </Button>
        </div>
        <p className="muted small">
          {show.commentToBuy.enabled
            ? `A chat line that is exactly “${show.commentToBuy.keyword}” buys one of the featured product.`
            : 'Off: chat lines never buy.'}
        </p>

        <BlockedWordsField key={show.blockedWords.join('\n')} show={show} busy={busy} run={run} />

        <div className="control__inline">
          <input
            className="input"
            aria-label="Announcement to pin above the chat"
            placeholder={show.pinned ? `Pinned: ${show.pinned.text}` : 'Pin an announcement above the chat'}
            value={announcement}
            maxLength={300}
            onChange={(e) => setAnnouncement(e.target.value)}
            data-testid="announcement-text"
          />
          <Button
            size="small"
            variant="secondary"
            loading={busy === 'pin'}
            disabled={!announcement.trim()}
            onClick={() =>
              void run('pin', () => api.pinAnnouncement(show.id, announcement.trim())).then(
                (ok) => ok && setAnnouncement(''),
              )
            }
            data-testid="announcement-pin"
          >
            Pin
          </Button>
          {show.pinned ? (
            <Button
              size="small"
              variant="ghost"
              loading={busy === 'unpin'}
              onClick={() => void run('unpin', () => api.unpinAnnouncement(show.id))}
            >
              Unpin
            </Button>
          ) : null}
        </div>

        <div className="control__inline">
          <input
            className="input"
            aria-label="Stream URL"
            type="url"
            placeholder="Stream URL (HLS .m3u8 or a video)"
            value={stream}
            onChange={(e) => setStream(e.target.value)}
            data-testid="stream-url"
          />
          <Button
            size="small"
            variant="secondary"
            loading={busy === 'stream'}
            disabled={(stream.trim() || null) === show.streamUrl}
            onClick={() =>
              void run('stream', () => api.updateShow(show.id, { streamUrl: stream.trim() || null }))
            }
          >
            Save
          </Button>
        </div>
        {problem ? <ProblemNotice problem={problem} /> : null}
      </div>
    </Panel>
  );
}

export function FaqControl({ show }: { show: Show }) {
  const [faqs, setFaqs] = useState<Faq[]>();
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const { busy, problem, run } = useAction();
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    api.faqs(show.id).then(setFaqs, () => setFaqs([]));
  }, [show.id]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (question.trim().length < 3 || !answer.trim()) return;
    let added: Faq | undefined;
    if (
      await run('add', async () => {
        added = await api.addFaq(show.id, { question: question.trim(), answer: answer.trim() });
      })
    ) {
      if (added) setFaqs((f) => [...(f ?? []), added as Faq]);
      setQuestion('');
      setAnswer('');
    }
  };
  return (
    <Panel title="FAQ bot" testId="control-faq" className="control--faq">
      <p className="muted small">
        A viewer question that matches one of these is answered in the chat at once.
      </p>
      {faqs && faqs.length > 0 ? (
        <ul className="control__faqs">
          {faqs.map((f) => (
            <li key={f.id}>
              <strong>{f.question}</strong>
              <span className="muted small block">{f.answer}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="control__form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Question"
          value={question}
          maxLength={300}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder="Does it run true to size?"
        />
        <TextField
          label="Answer"
          value={answer}
          maxLength={500}
          onChange={(e) => setAnswer(e.target.value)}
          placeholder="Yes: take your usual size."
        />
        {problem ? <ProblemNotice problem={problem} /> : null}
        <Button
          type="submit"
          size="small"
          variant="secondary"
          loading={busy === 'add'}
          disabled={question.trim().length < 3 || !answer.trim()}
        >
          Teach the bot
        </Button>
      </form>
    </Panel>
  );
}
