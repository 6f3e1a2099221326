import { useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { ShieldIcon } from '../../components/Icons.tsx';
import { Button, Notice, ProblemNotice, Skeleton } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.ts';
import { dateTime, plural } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { useChannel } from '../../lib/realtime.tsx';
import { Link, useLocation } from '../../lib/router.tsx';
import { useReachedAt } from '../../lib/ticker.ts';
import type { ChatMessage, HostRoomState, Show } from '../../lib/types.ts';
import { ChatComposer, ChatList } from '../show/Chat.tsx';
import { compact, type Room, useShowRoom } from '../show/room.tsx';
import { ShowPill } from './HostShows.tsx';
import {
  AuctionControl,
  FaqControl,
  GiveawayControl,
  PollControl,
  ProductsControl,
  SettingsControl,
} from './ShowControls.tsx';
import { Stat } from './Stat.tsx';

type ModAction = 'mute' | 'ban' | 'unmute' | 'unban';
interface Moderated {
  readonly userId: string;
  readonly name: string;
  readonly action: 'mute' | 'ban';
  readonly minutes?: number;
}

/** Per-line moderation: mute (for 10 minutes or the show), ban, delete the line. */
function LineActions({
  line,
  showId,
  onModerated,
  onProblem,
}: {
  line: ChatMessage;
  showId: string;
  onModerated: (m: Moderated) => void;
  onProblem: (f: Friendly | undefined) => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string>();
  const act = async (key: string, f: () => Promise<unknown>, done?: () => void) => {
    setBusy(key);
    onProblem(undefined);
    try {
      await f();
      done?.();
      setOpen(false);
    } catch (e) {
      onProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };
  const userId = line.userId as string;
  const moderate = (action: 'mute' | 'ban', minutes?: number) =>
    act(
      `${action}${minutes ?? ''}`,
      () => api.moderate(showId, { userId, action, ...(minutes ? { minutes } : {}) }),
      () => onModerated({ userId, name: line.userName, action, ...(minutes ? { minutes } : {}) }),
    );
  return (
    <span className="line-actions">
      <button
        type="button"
        className="line-actions__toggle"
        aria-expanded={open}
        aria-label={`Moderate ${line.userName}'s message`}
        onClick={() => setOpen((o) => !o)}
        data-testid={`moderate-${line.id}`}
      >
        ⋯
      </button>
      {open ? (
        <fieldset className="line-actions__menu">
          <legend className="sr-only">Moderate {line.userName}</legend>
          <button
            type="button"
            disabled={!!busy}
            onClick={() => void moderate('mute', 10)}
            data-testid="mod-mute10"
          >
            Mute 10 min
          </button>
          <button
            type="button"
            disabled={!!busy}
            onClick={() => void moderate('mute')}
            data-testid="mod-mute"
          >
            Mute
          </button>
          <button type="button" disabled={!!busy} onClick={() => void moderate('ban')} data-testid="mod-ban">
            Ban
          </button>
          <button
            type="button"
            disabled={!!busy}
            onClick={() => void act('delete', () => api.deleteChat(showId, line.id))}
            data-testid="mod-delete"
          >
            Delete
          </button>
        </fieldset>
      ) : null}
    </span>
  );
}

/** The chat as the host sees it: every line can be moderated; the host's own lines are announcements. */
function HostChat({ show, room }: { show: Show; room: Room }) {
  const user = useUser();
  const [moderated, setModerated] = useState<Moderated[]>([]);
  const [problem, setProblem] = useState<Friendly>();
  const [undoing, setUndoing] = useState<string>();
  const undo = async (m: Moderated) => {
    const action: ModAction = m.action === 'mute' ? 'unmute' : 'unban';
    setUndoing(m.userId);
    setProblem(undefined);
    try {
      await api.moderate(show.id, { userId: m.userId, action });
      setModerated((list) => list.filter((x) => x.userId !== m.userId));
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setUndoing(undefined);
    }
  };
  return (
    <section className="card control control--chat" aria-labelledby="host-chat-title" data-testid="host-chat">
      <div className="control__head">
        <h3 id="host-chat-title" className="control__title">
          Chat
        </h3>
        <span className="muted small">{plural(room.lines.length, 'line')}</span>
      </div>
      <ChatList
        lines={room.lines}
        hostId={show.hostId}
        me={user?.id}
        pinned={show.pinned}
        dropped={room.dropped}
        empty="No messages yet."
        actions={(line) =>
          line.kind === 'chat' && line.userId && line.userId !== show.hostId ? (
            <LineActions
              line={line}
              showId={show.id}
              onProblem={setProblem}
              onModerated={(m) => setModerated((list) => [...list.filter((x) => x.userId !== m.userId), m])}
            />
          ) : null
        }
      />
      {problem ? <ProblemNotice problem={problem} /> : null}
      {moderated.length > 0 ? (
        <ul className="moderated" aria-label="Muted and banned" data-testid="moderated">
          {moderated.map((m) => (
            <li key={m.userId} data-testid="moderated-user" data-action={m.action}>
              <ShieldIcon size={14} /> <strong>{m.name}</strong>{' '}
              {m.action === 'mute' ? `muted${m.minutes ? ` for ${m.minutes} min` : ''}` : 'banned'}
              <button
                type="button"
                className="linkish"
                disabled={undoing === m.userId}
                onClick={() => void undo(m)}
              >
                {m.action === 'mute' ? 'Unmute' : 'Unban'}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <ChatComposer
        showId={show.id}
        onSent={room.addLine}
        gate={(_title, run) => run()}
        closed={show.status === 'ended' ? 'The show has ended.' : undefined}
        label="Announce to the room"
        placeholder="Talk to your viewers (shown as the host)…"
      />
    </section>
  );
}

const MOOD_LABEL = { positive: 'Loving it', neutral: 'Neutral', negative: 'Unhappy' } as const;

/** The chat's mood over the last minute and the buyer questions nobody answered yet. */
function Radar({ show, host }: { show: Show; host: HostRoomState | undefined }) {
  const [busy, setBusy] = useState<string>();
  const mood = host?.sentiment;
  const pct = mood ? Math.round(((mood.average + 1) / 2) * 100) : 50;
  return (
    <section
      className="card pad control control--radar"
      aria-labelledby="radar-title"
      data-testid="control-radar"
    >
      <div className="control__head">
        <h3 id="radar-title" className="control__title">
          Room radar
        </h3>
        <span
          className={`mood mood--${mood?.label ?? 'neutral'}`}
          data-testid="mood"
          data-mood={mood?.label ?? ''}
        >
          {mood && mood.count > 0 ? MOOD_LABEL[mood.label] : 'Quiet'}
        </span>
      </div>
      <div className="mood__meter" aria-hidden="true">
        <span className="mood__needle" style={{ left: `${pct}%` }} />
      </div>
      <p className="muted small">
        {mood ? `Chat mood: ${plural(mood.count, 'line')} in the last minute` : 'Waiting for the chat…'}
      </p>
      <p className="control__sub">Questions to answer</p>
      {host && host.questions.length > 0 ? (
        <ul className="radar" data-testid="radar">
          {host.questions.map((q) => (
            <li key={q.id} className="radar__q" data-testid="radar-question">
              <div>
                <strong>{q.userName}</strong> <span>{q.text}</span>
                {q.topics.length > 0 ? (
                  <span className="radar__topics">
                    {q.topics.map((t) => (
                      <span key={t} className="badge">
                        {t}
                      </span>
                    ))}
                  </span>
                ) : null}
              </div>
              <Button
                size="small"
                variant="ghost"
                loading={busy === q.id}
                onClick={() => {
                  setBusy(q.id);
                  api.markAnswered(show.id, q.id).then(
                    () => setBusy(undefined),
                    () => setBusy(undefined),
                  );
                }}
              >
                Answered
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No open questions. Buyer questions (size, price, shipping…) land here.</p>
      )}
    </section>
  );
}

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
            <>
              <Button
                variant="danger"
                size="small"
                loading={busy === 'end'}
                onClick={() => void act('end')}
                data-testid="end-confirm"
              >
                Yes, end it
              </Button>
              <Button variant="ghost" size="small" onClick={() => setConfirmEnd(false)}>
                Keep going
              </Button>
            </>
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
