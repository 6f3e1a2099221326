import { type CSSProperties, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { EyeIcon } from '../../components/Icons.tsx';
import { api } from '../../lib/api.ts';
import { useSession } from '../../lib/auth.ts';
import type { Show } from '../../lib/types.ts';
import { ReactionIcon, SoundOffIcon } from './icons.tsx';
import { compact, initial } from './room.tsx';
import './Stage.css';

/** The host's stream: HLS through hls.js (loaded on demand) unless the browser plays it natively. */
function StreamVideo({ url, onFail }: { url: string; onFail: () => void }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  const failed = useRef(onFail);
  failed.current = onFail;

  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    let cancelled = false;
    let destroy: (() => void) | undefined;
    const hls = /\.m3u8(\?|$)/i.test(url);
    if (hls && !v.canPlayType('application/vnd.apple.mpegurl')) {
      import('hls.js/light').then(
        ({ default: Hls }) => {
          if (cancelled) return;
          if (!Hls.isSupported()) return failed.current();
          const player = new Hls({ lowLatencyMode: true });
          player.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) failed.current();
          });
          player.loadSource(url);
          player.attachMedia(v);
          destroy = () => player.destroy();
        },
        () => failed.current(),
      );
    } else {
      v.src = url;
    }
    return () => {
      cancelled = true;
      destroy?.();
      v.removeAttribute('src');
    };
  }, [url]);

  return (
    <>
      <video
        ref={ref}
        className="stage__video"
        autoPlay
        playsInline
        muted={muted}
        onError={() => failed.current()}
        aria-label="The host's live stream"
        data-testid="stage-video"
      />
      {muted ? (
        <button type="button" className="stage__unmute" onClick={() => setMuted(false)}>
          <SoundOffIcon /> Tap to unmute
        </button>
      ) : null}
    </>
  );
}

/**
 * The video area: the stream when the show has one, else a poster (the featured product's image,
 * the host's monogram). Overlays (top bar, reactions, status) are its children.
 */
export function Stage({ show, children }: { show: Show; children?: ReactNode }) {
  const [streamFailed, setStreamFailed] = useState(false);
  const image = show.featured?.imageUrl;
  const playing = !!show.streamUrl && show.status === 'live' && !streamFailed;
  return (
    <section
      className={`stage stage--${show.status}`}
      aria-label="Live video"
      data-testid="stage"
      data-stream={playing ? 'video' : 'poster'}
    >
      {playing && show.streamUrl ? (
        <StreamVideo url={show.streamUrl} onFail={() => setStreamFailed(true)} />
      ) : (
        <div className="stage__poster" aria-hidden="true">
          {image ? <img className="stage__poster-img" src={image} alt="" /> : null}
          {show.status === 'live' ? (
            <div className="stage__monogram">
              <span>{initial(show.hostName)}</span>
            </div>
          ) : null}
          {show.status === 'live' ? (
            <p className="stage__caption">
              {streamFailed ? 'The video is reconnecting…' : `Live from ${show.hostName}`}
            </p>
          ) : null}
        </div>
      )}
      {children}
    </section>
  );
}

/** Host, follow, live badge and viewers, over the top of the video. */
export function TopBar({
  show,
  viewers,
  gate,
  followers,
  onFollowers,
}: {
  show: Show;
  viewers: number | undefined;
  gate: (title: string, run: () => void) => void;
  followers: number;
  onFollowers: (n: number) => void;
}) {
  const s = useSession();
  const me = s?.user.id;
  const [following, setFollowing] = useState<boolean>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!me || me === show.hostId) {
      setFollowing(undefined);
      return;
    }
    let live = true;
    api.followState(show.hostId).then(
      (f) => {
        if (!live) return;
        setFollowing(f.following);
        onFollowers(f.followers);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [me, show.hostId, onFollowers]);

  const flip = async () => {
    setBusy(true);
    try {
      const f = following ? await api.unfollow(show.hostId) : await api.follow(show.hostId);
      setFollowing(f.following);
      onFollowers(f.followers);
    } catch {
      // stays as it was; the button still says the truth
    } finally {
      setBusy(false);
    }
  };
  const toggle = () => gate(`Sign in to follow ${show.hostName}`, () => void flip());

  return (
    <div className="stage__top">
      <div className="host-chip">
        <span className="host-chip__avatar" aria-hidden="true">
          {initial(show.hostName)}
        </span>
        <span className="host-chip__text">
          <span className="host-chip__name" data-testid="room-host">
            {show.hostName}
          </span>
          <span className="host-chip__followers">
            {compact(followers)} {followers === 1 ? 'follower' : 'followers'}
          </span>
        </span>
        {me !== show.hostId ? (
          <button
            type="button"
            className={`host-chip__follow${following ? ' is-following' : ''}`}
            aria-pressed={following === true}
            disabled={busy}
            onClick={toggle}
            data-testid="follow-button"
          >
            {following ? 'Following' : 'Follow'}
          </button>
        ) : null}
      </div>
      <div className="stage__badges">
        {show.status === 'live' ? (
          <span className="pill pill--live" data-testid="room-status" data-status="live">
            <span className="pill__dot" aria-hidden="true" />
            Live
          </span>
        ) : show.status === 'scheduled' ? (
          <span className="pill pill--scheduled" data-testid="room-status" data-status="scheduled">
            Upcoming
          </span>
        ) : (
          <span className="pill pill--ended" data-testid="room-status" data-status="ended">
            Ended
          </span>
        )}
        {viewers !== undefined && show.status !== 'ended' ? (
          <span className="viewers" data-testid="room-viewers" data-viewers={viewers}>
            <EyeIcon size={14} /> {compact(viewers)}
            <span className="sr-only"> watching</span>
          </span>
        ) : null}
      </div>
    </div>
  );
}

interface Burst {
  readonly id: number;
  readonly type: string;
  readonly x: number;
}

const FLUSH_MS = 300;
/** The API takes at most 10 of one reaction per request. */
const MAX_PER_REQUEST = 10;

/**
 * Reaction buttons (the server's set: the keys of the room's totals) with running totals. Taps
 * are coalesced for 300 ms and sent as counts; every increase of the totals floats a few up.
 */
export function Reactions({
  showId,
  totals,
  gate,
  disabled,
}: {
  showId: string;
  totals: Record<string, number>;
  gate: (title: string, run: () => void) => void;
  disabled?: boolean;
}) {
  const [bursts, setBursts] = useState<Burst[]>([]);
  const pending = useRef(new Map<string, number>());
  const mine = useRef(new Map<string, number>());
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const prev = useRef<Record<string, number> | undefined>(undefined);
  const nextId = useRef(1);

  const float = useCallback((type: string, n: number) => {
    const add: Burst[] = Array.from({ length: Math.min(n, 4) }, () => ({
      id: nextId.current++,
      type,
      x: Math.round(Math.random() * 40 - 20),
    }));
    setBursts((b) => [...b, ...add].slice(-24));
    for (const a of add) setTimeout(() => setBursts((b) => b.filter((x) => x.id !== a.id)), 1_800);
  }, []);

  // Other viewers' reactions: what the totals grew by, minus this viewer's own (already floated).
  useEffect(() => {
    const before = prev.current;
    prev.current = totals;
    if (!before) return;
    for (const [type, total] of Object.entries(totals)) {
      const grew = total - (before[type] ?? 0);
      if (grew <= 0) continue;
      const own = Math.min(grew, mine.current.get(type) ?? 0);
      mine.current.set(type, (mine.current.get(type) ?? 0) - own);
      if (grew - own > 0) float(type, grew - own);
    }
  }, [totals, float]);

  const flush = useCallback(() => {
    timer.current = undefined;
    const batch = [...pending.current.entries()];
    pending.current.clear();
    for (const [type, n] of batch) {
      for (let left = n; left > 0; left -= MAX_PER_REQUEST) {
        // A lost reaction is not worth a message: the float was shown, only the count misses it.
        api.react(showId, type, Math.min(left, MAX_PER_REQUEST)).catch(() => {});
      }
    }
  }, [showId]);

  useEffect(
    () => () => {
      if (timer.current) {
        clearTimeout(timer.current);
        flush();
      }
    },
    [flush],
  );

  const tap = (type: string) =>
    gate('Sign in to react', () => {
      pending.current.set(type, (pending.current.get(type) ?? 0) + 1);
      mine.current.set(type, (mine.current.get(type) ?? 0) + 1);
      float(type, 1);
      timer.current ??= setTimeout(flush, FLUSH_MS);
    });

  return (
    <div className="reactions" data-testid="reactions">
      <div className="reactions__bursts" aria-hidden="true">
        {bursts.map((b) => (
          <span key={b.id} className="reactions__burst" style={{ '--x': `${b.x}px` } as CSSProperties}>
            <ReactionIcon type={b.type} size={28} />
          </span>
        ))}
      </div>
      {Object.keys(totals).map((type) => (
        <button
          key={type}
          type="button"
          className="reactions__btn"
          onClick={() => tap(type)}
          disabled={disabled}
          aria-label={`React ${type}: ${totals[type] ?? 0} so far`}
          data-testid={`react-${type}`}
        >
          <span className="reactions__emoji" aria-hidden="true">
            <ReactionIcon type={type} />
          </span>
          <span className="reactions__count" aria-hidden="true" data-testid={`react-count-${type}`}>
            {compact(totals[type] ?? 0)}
          </span>
        </button>
      ))}
    </div>
  );
}
