import { useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { Button, Notice, ProblemNotice, Skeleton } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { useChannel } from '../../lib/realtime.tsx';
import { Link, useLocation } from '../../lib/router.tsx';
import { useReachedAt } from '../../lib/ticker.ts';
import type { HostRoomState } from '../../lib/types.ts';
import { compact, useShowRoom } from '../show/room.tsx';
import { ConfirmEnd } from './ConfirmEnd.tsx';
import { ShowPill } from './HostShows.tsx';
import { Stat } from './Stat.tsx';
import { AuctionControl } from './show-controls/AuctionControl.tsx';
import { FaqControl } from './show-controls/FaqControl.tsx';
import { GiveawayControl } from './show-controls/GiveawayControl.tsx';
import { HostChat } from './show-controls/HostChat.tsx';
import { PollControl } from './show-controls/PollControl.tsx';
import { ProductsControl } from './show-controls/ProductsControl.tsx';
import { Radar } from './show-controls/Radar.tsx';
import { SettingsControl } from './show-controls/SettingsControl.tsx';
import './ShowControlRoom.css';

/**
 * A show's control room: go live / end, the numbers (viewers, stock, reactions), the products to
 * feature, auction, poll, giveaway, room settings and the FAQ bot, and the chat with moderation,
 * its mood and the question radar (over `show:ID:host`).
 */
export function ShowControlRoom({ showId }: { showId: string }) {
  const { search } = useLocation();
  const loaded = useLoad((signal) => api.show(showId, signal), [showId]);
  const room = useShowRoom(showId, { presence: false });
  const [host, setHost] = useState<HostRoomState>();
  const [busy, setBusy] = useState<'live' | 'end'>();
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  useChannel<HostRoomState>(`show:${showId}:host`, (f) => {
    if (f.ev === 'state') setHost(f.data);
  });
  const show = room.state?.show ?? loaded.data;
  const startReached = useReachedAt(show ? Date.parse(show.startsAt) : undefined);
  const products = useLoad(
    async () => (show ? api.products({ host: show.hostId, limit: 200 }) : undefined),
    [show?.hostId],
  );

  if (loaded.error && !show) return <ProblemNotice problem={friendlyError(loaded.error)} />;
  if (!show) return <Skeleton lines={8} />;

  const act = async (which: 'live' | 'end') => {
    setBusy(which);
    setProblem(undefined);
    try {
      const next = which === 'live' ? await api.goLive(show.id) : await api.endShow(show.id);
      loaded.setData(next);
      setConfirmEnd(false);
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };

  const state = room.state;
  const viewers = host?.viewers ?? room.viewers ?? 0;
  const reactions = Object.values(state?.reactions ?? {}).reduce((a, b) => a + b, 0);
  const f = show.featured;

  return (
    <section
      className="control-room"
      data-testid="control-room"
      data-status={show.status}
      aria-labelledby="cr-title"
    >
      {search.get('created') === '1' ? (
        <Notice tone="success" title="Show scheduled" testId="show-created">
          Buyers see it on the home page. <Link to={`/shows/${show.id}`}>Open the buyer's view</Link>
        </Notice>
      ) : null}
      <div className="control-room__head">
        <div className="control-room__what">
          <div className="row">
            <ShowPill status={show.status} />
            {show.status === 'scheduled' ? (
              <span className="small muted">
                starts {dateTime(show.startsAt)}
                {startReached ? (
                  ' · go live when you are ready'
                ) : (
                  <>
                    {' '}
                    · in <Countdown to={show.startsAt} />
                  </>
                )}
              </span>
            ) : show.status === 'live' && show.wentLiveAt ? (
              <span className="small muted">live since {dateTime(show.wentLiveAt)}</span>
            ) : null}
          </div>
          <h2 id="cr-title" className="h2">
            {show.title}
          </h2>
        </div>
        <div className="row control-room__actions">
          <Link to={`/shows/${show.id}`} className="btn btn--ghost btn--small" target="_blank" rel="noopener">
            Buyer's view ↗
          </Link>
          {show.status === 'scheduled' ? (
            <Button
              loading={busy === 'live'}
              onClick={() => void act('live')}
              className="btn--claim"
              data-testid="go-live"
            >
              Go live
            </Button>
          ) : null}
          {show.status === 'live' && !confirmEnd ? (
            <Button variant="danger" size="small" onClick={() => setConfirmEnd(true)} data-testid="end-show">
              End show
            </Button>
          ) : null}
          {show.status === 'live' && confirmEnd ? (
            <ConfirmEnd
              busy={busy === 'end'}
              onEnd={() => void act('end')}
              onKeep={() => setConfirmEnd(false)}
              testId="end-confirm"
              keep="Keep going"
            />
          ) : null}
        </div>
      </div>
      {problem ? <ProblemNotice problem={problem} testId="control-problem" /> : null}

      <div className="stats control-room__stats">
        <Stat label="Viewers" value={viewers.toLocaleString()} testId="cr-viewers" />
        <Stat label="Stock" value={f ? `${f.remaining}/${f.stock}` : '–'} testId="cr-stock" />
        <Stat label="Reactions" value={compact(reactions)} testId="cr-reactions" />
        <Stat label="Followers" value={show.followers.toLocaleString()} testId="cr-followers" />
      </div>

      <div className="control-room__grid">
        <div className="control-room__main">
          <ProductsControl show={show} products={products.data} />
          <AuctionControl show={show} auction={state?.auction} products={products.data} room={room} />
          <PollControl show={show} poll={state?.poll} />
          <GiveawayControl show={show} giveaway={state?.giveaway} products={products.data} room={room} />
        </div>
        <div className="control-room__side">
          <HostChat show={show} room={room} />
          <Radar show={show} host={host} />
          <SettingsControl show={show} />
          <FaqControl show={show} />
        </div>
      </div>
    </section>
  );
}
