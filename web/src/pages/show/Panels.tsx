import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { CheckIcon } from '../../components/Icons.tsx';
import { StockBar } from '../../components/StockBar.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { ApiError, api, isRetriable, sleep, uuid } from '../../lib/api.ts';
import { money, plural } from '../../lib/format.ts';
import { rememberItems, useHolds } from '../../lib/holds.tsx';
import type { Friendly } from '../../lib/problems.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useReachedAt } from '../../lib/ticker.ts';
import type { Auction, FeaturedItem, Giveaway, Poll, ShowStatus } from '../../lib/types.ts';
import { GavelIcon, GiftIcon } from './icons.tsx';
import { type Room, roomProblem } from './room.tsx';

type Gate = (title: string, run: () => void) => void;

// ---------------------------------------------------------------------------------------------
// The featured product: one tap buys one unit through the claim engine (the show's own sale).

export function FeaturedCard({
  featured,
  status,
  gate,
}: {
  featured: FeaturedItem;
  status: ShowStatus;
  gate: Gate;
}) {
  const { holds, add } = useHolds();
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const f = featured;

  // Hold cards, the bag and the checkout name the item by its SKU.
  useEffect(() => {
    rememberItems([{ ...f, active: true }]);
  }, [f]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new product clears the last refusal
  useEffect(() => setProblem(undefined), [f.sku]);

  const held = holds.filter((h) => h.saleId === f.saleId && h.sku === f.sku);
  const heldQty = held.reduce((n, h) => n + h.quantity, 0);
  const soonest = held.map((h) => h.expiresAt).sort()[0];
  const soldOut = f.remaining <= 0;
  const limitLeft = f.perBuyerLimit - heldQty;

  const claim = async () => {
    setBusy(true);
    setProblem(undefined);
    // One key per tap, reused on retries of that tap: a retry never buys twice.
    const idempotencyKey = uuid();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const { reservation } = await api.claim(f.saleId, { sku: f.sku, quantity: 1, idempotencyKey });
          add(reservation);
          return;
        } catch (e) {
          if (isRetriable(e) && attempt < 3) {
            setRetrying(true);
            await sleep(300 * 2 ** attempt + Math.random() * 200);
            continue;
          }
          if (e instanceof ApiError && (e.code === 'unauthenticated' || e.code === 'invalid_token')) {
            gate('Sign in to buy', () => void claim());
            return;
          }
          setProblem(roomProblem(e));
          return;
        }
      }
    } finally {
      setBusy(false);
      setRetrying(false);
    }
  };
  const buy = () => gate('Sign in to buy', () => void claim());

  let action: ReactNode;
  if (heldQty > 0) {
    // Held units stay the buyer's until their timer ends, even after the show.
    action = (
      <div className="featured-card__held" data-testid="room-hold">
        <p className="featured-card__secured">
          <CheckIcon size={16} /> Secured! Held for{' '}
          {soonest ? <Countdown to={soonest} format="clock" testId="room-hold-timer" /> : null}
        </p>
        <div className="featured-card__held-actions">
          <Button onClick={() => navigate('/checkout')} data-testid="room-checkout">
            Checkout
          </Button>
          {status === 'live' && limitLeft > 0 && !soldOut ? (
            <Button variant="ghost" size="small" loading={busy} onClick={buy} data-testid="buy-another">
              + 1 more
            </Button>
          ) : null}
        </div>
      </div>
    );
  } else if (status === 'ended') {
    action = (
      <Button block disabled data-testid="buy-button" data-state="ended">
        Show ended
      </Button>
    );
  } else if (status === 'scheduled') {
    action = (
      <Button block disabled data-testid="buy-button" data-state="locked">
        Opens when live
      </Button>
    );
  } else if (soldOut) {
    action = (
      <Button block disabled data-testid="buy-button" data-state="sold_out">
        Sold out
      </Button>
    );
  } else {
    action = (
      <Button
        block
        className="btn--claim"
        loading={busy}
        onClick={buy}
        data-testid="buy-button"
        data-state="open"
      >
        {retrying ? (
          'Reconnecting…'
        ) : busy ? (
          'Buying…'
        ) : (
          <>
            Buy now<span className="featured-card__btn-price"> · {money(f.priceCents, f.currency)}</span>
          </>
        )}
      </Button>
    );
  }

  return (
    <article
      className="room-card featured-card"
      data-testid="featured"
      data-sku={f.sku}
      aria-labelledby="featured-title"
    >
      <div className="featured-card__main">
        {f.imageUrl ? (
          <img className="featured-card__img" src={f.imageUrl} alt="" width={64} height={64} />
        ) : null}
        <div className="featured-card__text">
          <p className="room-card__eyebrow">Featured</p>
          <h2 className="featured-card__title" id="featured-title">
            {f.title}
          </h2>
          <p className="featured-card__price" data-testid="featured-price">
            {money(f.priceCents, f.currency)}
            <span className="muted small"> · limit {f.perBuyerLimit}</span>
          </p>
        </div>
      </div>
      <StockBar remaining={f.remaining} stock={f.stock} compact testId="featured-stock" />
      <div aria-live="polite" className="room-card__message">
        {problem ? <ProblemNotice problem={problem} testId="buy-problem" /> : null}
      </div>
      {action}
    </article>
  );
}

// ---------------------------------------------------------------------------------------------
// Live auctions: price, leader, time left on the server's clock (moving with extensions), bids.

/** Auctions this browser bid in (to tell "outbid" from "not bidding"). */
const bidIn = new Set<string>();

const RESULT: Record<string, string> = {
  no_bids: 'No bids: not sold',
  reserve_not_met: 'The reserve was not met: not sold',
  cancelled: 'Cancelled',
  unpaid: 'Not sold: the winner did not pay',
};

export function AuctionPanel({
  auction: a,
  me,
  room,
  gate,
}: {
  auction: Auction;
  me: string | undefined;
  room: Room;
  gate: Gate;
}) {
  const [busy, setBusy] = useState<number>();
  const [problem, setProblem] = useState<Friendly>();
  const [floor, setFloor] = useState<{ id: string; cents: number }>();
  const [extended, setExtended] = useState<number>();
  const [, setNamed] = useState(0);
  const lastEnd = useRef<{ id: string; endsAt: number }>(undefined);
  const asked = useRef<{ id: string; leader: string | null; at: number }>(undefined);
  const endsAt = Date.parse(a.endsAt);
  const clockOver = useReachedAt(endsAt);
  const running = a.status === 'running';
  const closing = running && clockOver;

  // Anti-sniping: a late bid moves the end; say so for a moment.
  useEffect(() => {
    const prev = lastEnd.current;
    lastEnd.current = { id: a.id, endsAt };
    if (!prev || prev.id !== a.id || endsAt <= prev.endsAt) return;
    setExtended(Math.round((endsAt - prev.endsAt) / 1000));
    const t = setTimeout(() => setExtended(undefined), 3_000);
    return () => clearTimeout(t);
  }, [a.id, endsAt]);

  // A new auction: earlier refusals and floors are for the last one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset per auction
  useEffect(() => setProblem(undefined), [a.id]);

  // The leader's name: from the chat, else the bids list (once per new unknown leader, at most
  // every 4 s: the state carries the leader's id, not a name).
  useEffect(() => {
    const leader = a.highBidderId;
    if (!leader || leader === me || room.nameOf(leader)) return;
    const last = asked.current;
    if (last && last.id === a.id && (last.leader === leader || Date.now() - last.at < 4_000)) return;
    asked.current = { id: a.id, leader, at: Date.now() };
    let live = true;
    api.auctionBids(a.id).then(
      (bids) => {
        for (const b of bids) room.learn(b.bidderId, b.bidderName);
        if (live) setNamed((n) => n + 1);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [a.id, a.highBidderId, me, room]);

  const next = Math.max(a.nextMinimumCents, floor?.id === a.id ? floor.cents : 0);
  const leading = !!me && a.highBidderId === me;
  const outbid = !leading && bidIn.has(a.id) && a.highBidderId !== null;
  const leaderName = leading
    ? 'You'
    : (room.nameOf(a.highBidderId) ?? (a.highBidderId ? 'A bidder' : undefined));
  const won = a.status === 'sold' && !!me && a.winnerId === me;
  const price = a.highCents ?? a.startCents;

  const place = async (amountCents: number) => {
    setBusy(amountCents);
    setProblem(undefined);
    const idempotencyKey = uuid();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await api.bid(a.id, { amountCents, idempotencyKey });
          bidIn.add(a.id);
          setFloor({ id: a.id, cents: res.nextMinimumCents });
          return;
        } catch (e) {
          if (isRetriable(e) && attempt < 2) {
            await sleep(250 * 2 ** attempt);
            continue;
          }
          if (
            e instanceof ApiError &&
            e.code === 'bid_too_low' &&
            typeof e.problem.minimumCents === 'number'
          ) {
            // Someone got there first: the button moves to the new minimum at once.
            setFloor({ id: a.id, cents: e.problem.minimumCents });
            setProblem({
              code: e.code,
              title: 'Someone bid first',
              detail: `The next bid is at least ${money(e.problem.minimumCents, a.currency)}. Tap Bid again.`,
            });
            return;
          }
          if (e instanceof ApiError && e.code === 'already_highest') bidIn.add(a.id);
          setProblem(roomProblem(e));
          return;
        }
      }
    } finally {
      setBusy(undefined);
    }
  };
  const bid = (amount: number) => gate('Sign in to bid', () => void place(amount));

  const state = won ? 'won' : leading ? 'winning' : outbid ? 'outbid' : 'none';
  return (
    <section
      className={`room-card auction-card is-${state}${running ? ' is-running' : ''}`}
      aria-labelledby="auction-title"
      data-testid="auction"
      data-status={closing ? 'closing' : a.status}
      data-state={state}
    >
      <div className="auction-card__head">
        <p className="room-card__eyebrow">
          <GavelIcon /> {running ? 'Live auction' : 'Auction'}
          {a.suddenDeath && running ? <span className="badge badge--danger">Sudden death</span> : null}
        </p>
        {running ? (
          <span className="auction-card__timer">
            {extended ? (
              <span className="auction-card__extended" role="status" data-testid="auction-extended">
                +{extended}s
              </span>
            ) : null}
            {closing ? (
              <span data-testid="auction-timer">Closing…</span>
            ) : (
              <Countdown to={a.endsAt} testId="auction-timer" label="Time left in the auction" />
            )}
          </span>
        ) : null}
      </div>
      <h2 className="auction-card__title" id="auction-title">
        {a.title}
      </h2>
      <div className="auction-card__price-row">
        <p className="auction-card__price" data-testid="auction-price" data-cents={price} aria-live="polite">
          {money(price, a.currency)}
        </p>
        <p className="auction-card__meta">
          <span data-testid="auction-bids">{plural(a.bidCount, 'bid')}</span>
          {leaderName && running ? (
            <>
              {' · '}
              <span data-testid="auction-leader" data-leader={a.highBidderId ?? ''}>
                leading: <strong>{leaderName}</strong>
              </span>
            </>
          ) : running ? (
            <span> · opening bid</span>
          ) : null}
        </p>
      </div>
      {a.reserve.set ? (
        <p className={`auction-card__reserve${a.reserve.met ? ' is-met' : ''}`}>
          {a.reserve.met ? 'Reserve met' : 'Reserve not met yet'}
        </p>
      ) : null}

      {running ? (
        <>
          <p className="auction-card__you" role="status" data-testid="auction-you">
            {leading ? "You're winning!" : outbid ? "You've been outbid" : ''}
          </p>
          <div aria-live="polite" className="room-card__message">
            {problem ? <ProblemNotice problem={problem} testId="bid-problem" /> : null}
          </div>
          <div className="auction-card__actions">
            <Button
              block
              className="btn--claim"
              loading={busy === next}
              disabled={busy !== undefined || closing || leading}
              onClick={() => bid(next)}
              data-testid="bid-button"
              data-amount={next}
            >
              {leading ? 'Highest bid' : `Bid ${money(next, a.currency)}`}
            </Button>
            {!leading ? (
              <Button
                variant="secondary"
                loading={busy === next + 2 * a.incrementCents}
                disabled={busy !== undefined || closing}
                onClick={() => bid(next + 2 * a.incrementCents)}
                data-testid="bid-jump"
                aria-label={`Bid ${money(next + 2 * a.incrementCents, a.currency)}`}
              >
                {money(next + 2 * a.incrementCents, a.currency)}
              </Button>
            ) : null}
          </div>
          <p className="auction-card__fine">
            {a.suddenDeath
              ? 'Sudden death: the auction ends on time, whatever the bids.'
              : 'A bid in the last seconds adds time: no sniping.'}
          </p>
        </>
      ) : won ? (
        <div className="auction-card__won" data-testid="auction-won" role="status">
          <p className="auction-card__result">
            <strong>You won!</strong> {money(a.highCents ?? 0, a.currency)}
          </p>
          {a.orderId ? (
            <Link
              to={`/orders/${a.orderId}`}
              className="btn btn--primary btn--block"
              data-testid="auction-pay"
            >
              Pay now
            </Link>
          ) : null}
        </div>
      ) : (
        <p className="auction-card__result" data-testid="auction-result" role="status">
          {a.status === 'sold'
            ? `Sold to ${room.nameOf(a.winnerId) ?? 'a bidder'} for ${money(a.highCents ?? 0, a.currency)}`
            : (RESULT[a.status] ?? 'Ended')}
          {bidIn.has(a.id) && a.status === 'sold' ? ' · not this time' : ''}
        </p>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Polls: one vote per viewer (kept on this device; the server refuses a second one and says which).

const VOTES_KEY = 'flashmob.votes';
function storedVote(pollId: string): number | undefined {
  try {
    const v = (JSON.parse(localStorage.getItem(VOTES_KEY) ?? '{}') as Record<string, number>)[pollId];
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}
function storeVote(pollId: string, option: number): void {
  try {
    const all = JSON.parse(localStorage.getItem(VOTES_KEY) ?? '{}') as Record<string, number>;
    const keys = Object.keys(all);
    if (keys.length > 100) for (const k of keys.slice(0, keys.length - 100)) delete all[k];
    localStorage.setItem(VOTES_KEY, JSON.stringify({ ...all, [pollId]: option }));
  } catch {
    // private mode: the server still remembers
  }
}

export function PollCard({ poll, gate }: { poll: Poll; gate: Gate }) {
  const [voted, setVoted] = useState<number | undefined>(() => storedVote(poll.id));
  const [busy, setBusy] = useState<number>();
  const [problem, setProblem] = useState<Friendly>();
  const [results, setResults] = useState<Poll['results']>();
  useEffect(() => {
    setVoted(storedVote(poll.id));
    setProblem(undefined);
    setResults(undefined);
  }, [poll.id]);

  // The room's results come once per tick; right after voting, the vote's own answer is newer.
  const tally = results && results.total > poll.results.total ? results : poll.results;
  const showResults = voted !== undefined || poll.status === 'closed';

  const cast = async (option: number) => {
    setBusy(option);
    setProblem(undefined);
    try {
      const p = await api.vote(poll.id, option);
      storeVote(poll.id, option);
      setVoted(option);
      setResults(p.results);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'already_voted' && typeof e.problem.optionIndex === 'number') {
        storeVote(poll.id, e.problem.optionIndex);
        setVoted(e.problem.optionIndex);
      } else setProblem(roomProblem(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section
      className="room-card poll-card"
      aria-labelledby="poll-q"
      data-testid="poll"
      data-status={poll.status}
    >
      <p className="room-card__eyebrow">{poll.status === 'open' ? 'Poll' : 'Poll · final results'}</p>
      <h2 className="poll-card__q" id="poll-q">
        {poll.question}
      </h2>
      {showResults ? (
        <ul className="poll-card__results" data-testid="poll-results">
          {tally.options.map((o, i) => (
            <li key={o.option} className={`poll-card__result${voted === i ? ' is-mine' : ''}`}>
              <span className="poll-card__bar" style={{ width: `${o.percent}%` }} aria-hidden="true" />
              <span className="poll-card__label">
                {voted === i ? <CheckIcon size={14} /> : null} {o.option}
              </span>
              <span className="poll-card__pct" data-testid={`poll-pct-${i}`}>
                {o.percent}%
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <div className="poll-card__options">
          {poll.results.options.map((o, i) => (
            <Button
              key={o.option}
              variant="secondary"
              size="small"
              loading={busy === i}
              disabled={busy !== undefined}
              onClick={() => gate('Sign in to vote', () => void cast(i))}
              data-testid={`poll-option-${i}`}
            >
              {o.option}
            </Button>
          ))}
        </div>
      )}
      <p className="poll-card__total muted small">{plural(tally.total, 'vote')}</p>
      {problem ? <ProblemNotice problem={problem} /> : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Giveaways: enter during the window; the host draws; the winner gets a free order.

const ENTERED_KEY = 'flashmob.giveaways';
const entered = (id: string) => {
  try {
    return (JSON.parse(localStorage.getItem(ENTERED_KEY) ?? '[]') as string[]).includes(id);
  } catch {
    return false;
  }
};
const markEntered = (id: string) => {
  try {
    const all = (JSON.parse(localStorage.getItem(ENTERED_KEY) ?? '[]') as string[]).slice(-100);
    localStorage.setItem(ENTERED_KEY, JSON.stringify([...all, id]));
  } catch {
    // private mode
  }
};

export function GiveawayCard({
  giveaway: g,
  me,
  room,
  gate,
}: {
  giveaway: Giveaway;
  me: string | undefined;
  room: Room;
  gate: Gate;
}) {
  const [isIn, setIn] = useState(() => entered(g.id));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const closed = useReachedAt(Date.parse(g.closesAt));
  useEffect(() => {
    setIn(entered(g.id));
    setProblem(undefined);
  }, [g.id]);

  const enter = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.enterGiveaway(g.id);
      markEntered(g.id);
      setIn(true);
    } catch (e) {
      setProblem(roomProblem(e));
    } finally {
      setBusy(false);
    }
  };

  const winner = g.winnerId === me && !!me;
  let body: ReactNode;
  if (g.status === 'drawn') {
    body = winner ? (
      <div className="giveaway-card__won" role="status" data-testid="giveaway-won">
        <p>
          <strong>You won!</strong> It's free: tell us where to send it.
        </p>
        {g.orderId ? (
          <Link to={`/orders/${g.orderId}`} className="btn btn--primary btn--small">
            Add your address
          </Link>
        ) : null}
      </div>
    ) : (
      <p className="giveaway-card__result" role="status" data-testid="giveaway-winner">
        <strong>{room.nameOf(g.winnerId) ?? 'A viewer'}</strong> won!
        {isIn ? ' Not you this time.' : ''} <Link to={`/giveaways/${g.id}/verify`}>Check the draw</Link>
      </p>
    );
  } else if (g.status === 'no_entries') {
    body = <p className="giveaway-card__result">No one entered: no winner.</p>;
  } else if (closed) {
    body = <p className="giveaway-card__result">Entries closed · the host is drawing the winner…</p>;
  } else if (isIn) {
    body = (
      <p className="giveaway-card__in" data-testid="giveaway-entered">
        <CheckIcon size={16} /> You're in! Draw in <Countdown to={g.closesAt} />
      </p>
    );
  } else {
    body = (
      <Button
        size="small"
        loading={busy}
        onClick={() => gate('Sign in to enter', () => void enter())}
        data-testid="giveaway-enter"
      >
        Enter the giveaway · <Countdown to={g.closesAt} />
      </Button>
    );
  }

  return (
    <section
      className="room-card giveaway-card"
      aria-labelledby="giveaway-title"
      data-testid="giveaway"
      data-status={g.status}
    >
      <p className="room-card__eyebrow">
        <GiftIcon /> Giveaway · {plural(g.entrants, 'entry', 'entries')}
      </p>
      <h2 className="giveaway-card__title" id="giveaway-title">
        {g.title}
      </h2>
      {body}
      {problem ? <ProblemNotice problem={problem} /> : null}
    </section>
  );
}
