import { useEffect, useRef, useState } from 'react';
import { Countdown } from '../components/Countdown.tsx';
import { ArrowLeftIcon } from '../components/Icons.tsx';
import { EmptyState, ProblemNotice } from '../components/ui.tsx';
import { ApiError, api } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { dateTime } from '../lib/format.ts';
import { useHolds } from '../lib/holds.tsx';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import { Link, navigate, type PageProps } from '../lib/router.tsx';
import { useReachedAt, useServerNow } from '../lib/ticker.ts';
import type { Auction, Giveaway, Poll } from '../lib/types.ts';
import { AuctionPanel } from './show/AuctionPanel.tsx';
import { ChatComposer, ChatList } from './show/Chat.tsx';
import { FeaturedCard } from './show/FeaturedCard.tsx';
import { GiveawayCard } from './show/GiveawayCard.tsx';
import { PollCard } from './show/PollCard.tsx';
import { roomProblem, useAuthGate, useShowRoom } from './show/room.tsx';
import { Reactions, Stage, TopBar } from './show/Stage.tsx';

/** How long a finished auction, poll or giveaway stays on screen (the winner's stays). */
const LINGER_MS = 60_000;

/** Remembers when a poll was first seen closed in this visit (a poll closed before is not shown). */
function usePollShown(poll: Poll | null | undefined, now: number): boolean {
  const seen = useRef(new Map<string, { open: boolean; closedAt?: number }>());
  if (!poll) return false;
  const s = seen.current.get(poll.id) ?? { open: false };
  if (poll.status === 'open') s.open = true;
  else if (s.open && s.closedAt === undefined) s.closedAt = now;
  seen.current.set(poll.id, s);
  return poll.status === 'open' || (s.closedAt !== undefined && now - s.closedAt < LINGER_MS);
}

const auctionShown = (a: Auction | null | undefined, me: string | undefined, now: number) =>
  !!a && (a.status === 'running' || (!!me && a.winnerId === me) || now - Date.parse(a.endsAt) < LINGER_MS);

const giveawayShown = (g: Giveaway | null | undefined, me: string | undefined, now: number) =>
  !!g && (g.status === 'open' || (!!me && g.winnerId === me) || now - Date.parse(g.closesAt) < LINGER_MS);

/**
 * A live show: the stream (or its poster), the host, viewers, reactions; the featured product
 * with one-tap buying, the auction, the poll and the giveaway; the chat. Everything live over
 * `show:ID`; the buyer's own news (a comment-to-buy, an auction won) over the `user` channel.
 */
export default function ShowRoom({ params }: PageProps) {
  const id = params.id as string;
  const s = useSession();
  const me = s?.user.id;
  const loaded = useLoad((signal) => api.show(id, signal), [id]);
  const room = useShowRoom(id);
  const { gate, modal } = useAuthGate();
  const { onUserEvent } = useHolds();
  const [followers, setFollowers] = useState<number>();
  const [c2b, setC2b] = useState<Friendly & { ok: boolean }>();
  const now = useServerNow(1000);
  const show = room.state?.show ?? loaded.data;
  useTitle(show ? `${show.title} · live` : undefined);
  const started = useReachedAt(show ? Date.parse(show.startsAt) : undefined);
  const pollShown = usePollShown(room.state?.poll, now);

  // Comment-to-buy: the result of a keyword line comes on this buyer's own channel.
  useEffect(
    () =>
      onUserEvent((f) => {
        if (f.ev !== 'comment_to_buy') return;
        const d = f.data as { showId?: string; ok?: boolean; code?: string; message?: string };
        if (d.showId !== id) return;
        if (d.ok) {
          setC2b({
            ok: true,
            code: 'ok',
            title: 'Got it! One is held for you',
            detail: 'Check out before the timer ends.',
          });
        } else {
          const problem = { code: d.code ?? 'unknown', title: d.message ?? 'Not bought', status: 409 };
          setC2b({ ok: false, ...roomProblem(new ApiError(problem)) });
        }
      }),
    [onUserEvent, id],
  );
  useEffect(() => {
    if (!c2b) return;
    const t = setTimeout(() => setC2b(undefined), 8_000);
    return () => clearTimeout(t);
  }, [c2b]);

  if (loaded.error && !show) {
    const f = friendlyError(loaded.error);
    return (
      <div className="page">
        <EmptyState title={f.code === 'not_found' ? 'This show does not exist' : f.title}>
          <p>{f.code === 'not_found' ? 'The link may be wrong, or the show was removed.' : f.detail}</p>
          <Link to="/" className="btn btn--secondary">
            See what's live
          </Link>
        </EmptyState>
      </div>
    );
  }
  if (!show) {
    return (
      <div className="room room--loading" aria-busy="true">
        <div className="stage stage--loading">
          <div className="skeleton__block stage__skeleton" />
        </div>
      </div>
    );
  }

  const state = room.state;
  const live = show.status === 'live';
  const ended = show.status === 'ended';
  const auction = auctionShown(state?.auction, me, now) ? state?.auction : null;
  const giveaway = giveawayShown(state?.giveaway, me, now) ? state?.giveaway : null;
  const poll = pollShown ? state?.poll : null;
  const keyword = show.commentToBuy.enabled && show.featured && live ? show.commentToBuy.keyword : undefined;

  return (
    <div className="room" data-testid="show-room" data-status={show.status}>
      <Stage show={show}>
        <div className="stage__head">
          <Link to="/" className="stage__back" aria-label="Back to the drops">
            <ArrowLeftIcon size={18} />
          </Link>
          <TopBar
            show={show}
            viewers={room.viewers}
            gate={gate}
            followers={followers ?? show.followers}
            onFollowers={setFollowers}
          />
        </div>
        <h1 className="stage__title" data-testid="room-title">
          {show.title}
        </h1>

        {show.status === 'scheduled' ? (
          <div className="stage__center" data-testid="room-upcoming">
            {started ? (
              <p className="stage__kicker">Starting any moment: the host is getting ready</p>
            ) : (
              <>
                <p className="stage__kicker">Live in</p>
                <Countdown
                  to={show.startsAt}
                  format="segments"
                  testId="room-countdown"
                  label={`Starts ${dateTime(show.startsAt)}`}
                />
                <p className="stage__when">{dateTime(show.startsAt)}</p>
              </>
            )}
            {show.description ? <p className="stage__desc">{show.description}</p> : null}
          </div>
        ) : null}
        {ended ? (
          <div className="stage__center" data-testid="room-ended">
            <p className="stage__kicker">This show has ended</p>
            <p className="stage__desc">Thanks for watching! Holds you made can still be checked out.</p>
            <button type="button" className="btn btn--secondary" onClick={() => navigate('/')}>
              See what's live
            </button>
          </div>
        ) : null}
      </Stage>

      <aside className="room__side" aria-label="Shop and chat">
        {/* Buying first: on phones the cards stack up from the bottom (featured nearest the thumb). */}
        <div className="room__cards">
          {show.featured ? <FeaturedCard featured={show.featured} status={show.status} gate={gate} /> : null}
          {auction ? <AuctionPanel auction={auction} me={me} room={room} gate={gate} /> : null}
          {giveaway ? <GiveawayCard giveaway={giveaway} me={me} room={room} gate={gate} /> : null}
          {poll ? <PollCard poll={poll} gate={gate} /> : null}
        </div>
        <div className="room__chatrow">
          <p className="room__chat-head" aria-hidden="true">
            Live chat
          </p>
          <ChatList
            lines={room.lines}
            hostId={show.hostId}
            me={me}
            pinned={show.pinned}
            dropped={room.dropped}
            empty={live ? 'Say hi to the host!' : 'No messages yet.'}
          />
          {state && !ended ? <Reactions showId={id} totals={state.reactions} gate={gate} /> : null}
        </div>
        {c2b ? (
          c2b.ok ? (
            <p
              className="room__c2b notice notice--success"
              role="status"
              data-testid="c2b-result"
              data-code="ok"
            >
              <strong>{c2b.title}</strong>{' '}
              <Link to="/checkout" className="linkish">
                Checkout
              </Link>
            </p>
          ) : (
            <div className="room__c2b">
              <ProblemNotice problem={c2b} testId="c2b-result" />
            </div>
          )
        ) : null}
        <ChatComposer
          showId={id}
          onSent={room.addLine}
          gate={gate}
          closed={ended ? 'The show has ended: the chat is closed.' : undefined}
          placeholder="Say something…"
          hint={
            keyword ? (
              <>
                Type <strong>{keyword}</strong> to buy the featured product
              </>
            ) : undefined
          }
        />
      </aside>
      {modal}
    </div>
  );
}
