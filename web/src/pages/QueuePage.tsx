import { type CSSProperties, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { solvePowInBackground } from '../../../src/client/pow.ts';
import { AuthPanel } from '../components/AuthPanel.tsx';
import { Countdown } from '../components/Countdown.tsx';
import {
  ArrowLeftIcon,
  BoltIcon,
  CheckIcon,
  ClockIcon,
  PauseIcon,
  QueueIcon,
  ShieldIcon,
  ShuffleIcon,
} from '../components/Icons.tsx';
import { StockBar } from '../components/StockBar.tsx';
import { Button, EmptyState, Modal, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { ApiError, api } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { serverClock } from '../lib/clock.ts';
import { plural } from '../lib/format.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import { useChannel, useLiveSale, useRealtime } from '../lib/realtime.tsx';
import { Link, navigate, type PageProps } from '../lib/router.tsx';
import { useReachedAt } from '../lib/ticker.ts';
import type { QueueStatus, Sale, WaitingRoomConfig } from '../lib/types.ts';
import { etaText, forgetQueue, queueEntry, queueOpensAt, rememberStatus } from '../lib/waiting-room.ts';

/** Polling is the fallback to the `queue:` channel, and tells the server the holder is still here. */
const POLL_MS = 10_000;
const POLL_OFFLINE_MS = 5_000;
/** After "It's your turn!", the drop page opens by itself this much later. */
const GO_AFTER_MS = 6_000;

type Phase =
  | { readonly kind: 'starting' }
  | { readonly kind: 'not-open'; readonly opensAt: number }
  | { readonly kind: 'checking'; readonly difficulty: number }
  | { readonly kind: 'joining' }
  | { readonly kind: 'line' }
  | { readonly kind: 'error'; readonly problem: Friendly; readonly retryAt?: number };

/** The server does not know this ticket as this buyer's (or it is malformed): join afresh. */
const isLost = (e: unknown) =>
  e instanceof ApiError &&
  (e.code === 'not_found' || e.code === 'validation_failed' || e.code === 'forbidden');

const reducedMotion = () =>
  typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** A number that counts to its new value (ease-out) instead of jumping: the place in line. */
function AnimatedNumber({ value, testId }: { value: number; testId?: string }) {
  const [shown, setShown] = useState(value);
  const current = useRef(value);
  const [bump, setBump] = useState(0);
  useEffect(() => {
    const from = current.current;
    if (from === value) return;
    setBump((b) => b + 1);
    if (reducedMotion()) {
      current.current = value;
      setShown(value);
      return;
    }
    const started = performance.now();
    const duration = Math.min(1_400, 450 + Math.abs(value - from) * 25);
    let raf = 0;
    const step = (t: number) => {
      const k = Math.min(1, (t - started) / duration);
      const eased = 1 - (1 - k) ** 3;
      const v = Math.round(from + (value - from) * eased);
      current.current = v;
      setShown(v);
      if (k < 1) raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [value]);
  return (
    <span
      className={`queue__number${bump % 2 ? ' is-tick' : ' is-tock'}`}
      data-testid={testId}
      data-position={value}
    >
      {shown.toLocaleString()}
    </span>
  );
}

/** `value` at most once every `ms` (a screen reader hears the place now and then, not every tick). */
function useCalm<T>(value: T, ms: number): T {
  const [calm, setCalm] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setCalm(value);
      return;
    }
    const t = setTimeout(() => {
      last.current = Date.now();
      setCalm(value);
    }, wait);
    return () => clearTimeout(t);
  }, [value, ms]);
  return calm;
}

/** The place as a ring that fills from where this buyer started to the front of the line. */
function ProgressRing({
  progress,
  paused,
  children,
}: {
  progress: number;
  paused: boolean;
  children: ReactNode;
}) {
  const r = 88;
  const c = 2 * Math.PI * r;
  const p = Math.max(0.03, Math.min(1, progress));
  return (
    <div className={`ring${paused ? ' is-paused' : ''}`}>
      <svg viewBox="0 0 200 200" className="ring__svg" aria-hidden="true">
        <circle cx="100" cy="100" r={r} className="ring__track" />
        <circle
          cx="100"
          cy="100"
          r={r}
          className="ring__fill"
          strokeDasharray={c}
          strokeDashoffset={c * (1 - p)}
          transform="rotate(-90 100 100)"
        />
      </svg>
      <div className="ring__inner">{children}</div>
    </div>
  );
}

/* Confetti for "It's your turn!": fixed pieces (no randomness in render), CSS does the rest. */
const CONFETTI = Array.from({ length: 18 }, (_, i) => ({
  x: ((i * 37) % 100) - 50,
  delay: (i % 6) * 0.07,
  rot: (i * 67) % 360,
  hue: ['var(--accent)', 'var(--hot)', 'var(--info)', 'var(--ok)', 'var(--warn)'][i % 5] as string,
}));

function Confetti() {
  return (
    <div className="confetti" aria-hidden="true">
      {CONFETTI.map((c, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed set of pieces
          key={i}
          className="confetti__piece"
          style={
            {
              '--x': `${c.x * 3.2}px`,
              '--r': `${c.rot}deg`,
              '--d': `${c.delay}s`,
              background: c.hue,
            } as CSSProperties
          }
        />
      ))}
    </div>
  );
}

/** The drop this line is for: picture, title, what is left (glanced at: not counted as watching). */
function SaleStrip({ sale }: { sale: Sale }) {
  const live = useLiveSale(sale.id, true, { presence: false });
  const items = live.state?.items ?? sale.items.filter((i) => i.active !== false);
  const remaining = items.reduce((n, i) => n + i.remaining, 0);
  const stock = items.reduce((n, i) => n + i.stock, 0);
  const image = items.find((i) => i.imageUrl)?.imageUrl;
  return (
    <div className="queue-strip card">
      {image ? <img src={image} alt="" className="queue-strip__img" width={56} height={56} /> : null}
      <div className="queue-strip__text">
        <p className="eyebrow">
          <QueueIcon size={14} /> Waiting room
        </p>
        <p className="queue-strip__title">{sale.title}</p>
        <StockBar remaining={remaining} stock={stock} compact testId="queue-stock" />
      </div>
    </div>
  );
}

function PowStep({ difficulty }: { difficulty: number }) {
  // The expected work is 2^difficulty hashes; the bar eases towards the end over about that long.
  const expectedMs = Math.max(900, Math.min(60_000, 2 ** difficulty / 300));
  return (
    <section className="queue-step" data-testid="queue-checking" aria-live="polite">
      <div className="queue-step__icon is-scanning">
        <ShieldIcon size={34} />
      </div>
      <h1 className="queue-step__title">Checking you're human…</h1>
      <p className="muted">
        (no captcha) Your browser solves a small puzzle in the background: nothing to tap.
      </p>
      <div className="pow-bar" style={{ '--pow-ms': `${expectedMs}ms` } as CSSProperties}>
        <span className="pow-bar__fill" />
      </div>
    </section>
  );
}

/** The buyer's ticket: joining (with the proof of work), live place and ETA, admission. */
function Line({ sale, config }: { sale: Sale; config: WaitingRoomConfig }) {
  const id = sale.id;
  const { status: socketStatus } = useRealtime();
  const [status, setStatus] = useState<QueueStatus>();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [celebrate, setCelebrate] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [leaveProblem, setLeaveProblem] = useState<Friendly>();
  const statusRef = useRef<QueueStatus>(undefined);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  /** Every answer about the ticket goes through here: polls, channel frames, join, leave. */
  const apply = useCallback((next: QueueStatus) => {
    if (!mounted.current) return;
    const prev = statusRef.current;
    // A poll answered after a newer frame: a ticket never goes back to waiting.
    if (prev && prev.ticket === next.ticket && prev.state !== 'waiting' && next.state === 'waiting') return;
    if (prev?.state === 'waiting' && next.state === 'admitted') setCelebrate(true);
    statusRef.current = next;
    rememberStatus(next);
    setStatus(next);
    setPhase({ kind: 'line' });
  }, []);

  const join = useCallback(async () => {
    let needPow = !!config.proofOfWork;
    let retries = 1; // pow_expired / pow_required: solve a fresh challenge once, by ourselves
    for (;;) {
      try {
        let pow: { challenge: string; solution: string } | undefined;
        if (needPow) {
          setPhase({ kind: 'checking', difficulty: config.proofOfWork?.difficulty ?? 16 });
          const c = await api.queueChallenge(id);
          if (!mounted.current) return;
          setPhase({ kind: 'checking', difficulty: c.difficulty });
          pow = { challenge: c.challenge, solution: await solvePowInBackground(c.challenge, c.difficulty) };
          if (!mounted.current) return;
        }
        setPhase({ kind: 'joining' });
        apply(await api.joinQueue(id, pow));
        return;
      } catch (e) {
        if (!mounted.current) return;
        const code = e instanceof ApiError ? e.code : undefined;
        if ((code === 'pow_expired' || code === 'pow_required') && retries > 0) {
          retries -= 1;
          needPow = true;
          continue;
        }
        if (code === 'no_waiting_room') {
          navigate(`/sales/${id}`, { replace: true });
          return;
        }
        if (e instanceof ApiError && code === 'queue_not_open') {
          const opensAt = Date.parse(String(e.problem.opensAt ?? ''));
          if (Number.isFinite(opensAt) && opensAt > serverClock.now()) {
            setPhase({ kind: 'not-open', opensAt });
            return;
          }
        }
        const retryAfter =
          e instanceof ApiError && code === 'rate_limited' ? e.problem.retryAfterSeconds : undefined;
        setPhase({
          kind: 'error',
          problem: friendlyError(e),
          ...(retryAfter !== undefined ? { retryAt: Date.now() + Math.max(1, retryAfter) * 1000 } : {}),
        });
        return;
      }
    }
  }, [id, config.proofOfWork, apply]);

  /** The ticket is unknown to the server (or not this buyer's): start over. */
  const lost = useCallback(() => {
    forgetQueue(id);
    statusRef.current = undefined;
    setStatus(undefined);
    void join();
  }, [id, join]);

  // Start: the stored ticket (a reload, another tab), or join; before the queue opens, wait for it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per sale and buyer (Line is keyed by the buyer)
  useEffect(() => {
    let cancelled = false;
    const stored = queueEntry(id);
    if (stored) {
      setPhase({ kind: 'line' });
      api.queueStatus(id, stored.ticket).then(
        (st) => !cancelled && apply(st),
        (e) => {
          if (cancelled) return;
          if (e instanceof ApiError && e.code === 'no_waiting_room')
            navigate(`/sales/${id}`, { replace: true });
          else if (isLost(e)) lost();
          else setPhase({ kind: 'error', problem: friendlyError(e) });
        },
      );
    } else {
      const opensAt = queueOpensAt(sale.startsAt, config);
      if (serverClock.now() < opensAt) setPhase({ kind: 'not-open', opensAt });
      else void join();
    }
    return () => {
      cancelled = true;
    };
  }, [id]);

  // The waiting room opens: join by ourselves (spread over a second or so: the pre-open block is
  // drawn at random anyway, so nobody gains by being first).
  const opened = useReachedAt(phase.kind === 'not-open' ? phase.opensAt : undefined);
  useEffect(() => {
    if (phase.kind !== 'not-open' || !opened) return;
    const t = setTimeout(() => void join(), Math.random() * 1_500);
    return () => clearTimeout(t);
  }, [phase.kind, opened, join]);

  // Too many tries: try again when the server says.
  const retryAt = phase.kind === 'error' ? phase.retryAt : undefined;
  useEffect(() => {
    if (retryAt === undefined) return;
    const t = setTimeout(() => void join(), Math.max(0, retryAt - Date.now()));
    return () => clearTimeout(t);
  }, [retryAt, join]);

  const ticket = status?.ticket;
  const waiting = status?.state === 'waiting';

  // Live: the ticket's channel pushes every move (and the admission the moment it is granted).
  useChannel<QueueStatus>(ticket && waiting ? `queue:${id}:${ticket}` : null, (f) => {
    if (f.ev === 'state' && (f.data as QueueStatus).ticket === ticket) apply(f.data);
  });

  // Fallback: poll (more often while the socket is down); at once when the page comes back.
  useEffect(() => {
    if (!ticket || !waiting) return;
    const poll = () =>
      api.queueStatus(id, ticket).then(apply, (e) => {
        if (isLost(e)) lost();
      });
    const t = setInterval(poll, socketStatus === 'open' ? POLL_MS : POLL_OFFLINE_MS);
    const onVisible = () => document.visibilityState === 'visible' && void poll();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [id, ticket, waiting, socketStatus, apply, lost]);

  const admittedUntil =
    status?.state === 'admitted' && status.admissionExpiresAt
      ? Date.parse(status.admissionExpiresAt)
      : undefined;
  const turnOver = useReachedAt(admittedUntil);

  // "It's your turn!" seen live: open the drop by ourselves a few seconds later.
  useEffect(() => {
    if (!celebrate || turnOver) return;
    const t = setTimeout(() => navigate(`/sales/${id}`), GO_AFTER_MS);
    return () => clearTimeout(t);
  }, [celebrate, turnOver, id]);

  const position = status?.position ?? null;
  const calm = useCalm(
    waiting && position
      ? `You are number ${position} in line. Estimated wait ${etaText(status.etaSeconds, status.paused)}.`
      : '',
    20_000,
  );

  const leave = async () => {
    if (!ticket) return;
    setLeaving(true);
    setLeaveProblem(undefined);
    try {
      apply(await api.leaveQueue(id, ticket));
      setConfirmLeave(false);
    } catch (e) {
      setLeaveProblem(friendlyError(e));
    } finally {
      setLeaving(false);
    }
  };

  const leaveButton = (
    <Button variant="ghost" onClick={() => setConfirmLeave(true)} data-testid="queue-leave">
      Leave the line
    </Button>
  );

  let body: ReactNode;
  if (phase.kind === 'checking') {
    body = <PowStep difficulty={phase.difficulty} />;
  } else if (phase.kind === 'not-open') {
    body = (
      <section className="queue-step" data-testid="queue-not-open">
        <div className="queue-step__icon">
          <ClockIcon size={34} />
        </div>
        <h1 className="queue-step__title">The waiting room opens in</h1>
        <Countdown
          to={phase.opensAt}
          format="clock"
          className="queue-step__clock"
          testId="queue-opens-countdown"
        />
        <p className="muted">
          Stay on this page: you join the line by yourself when it opens. Everyone who joins before the drop
          starts is drawn in random order, so arriving early gives no edge.
        </p>
      </section>
    );
  } else if (phase.kind === 'error') {
    body = (
      <section className="queue-step" data-testid="queue-error">
        <ProblemNotice problem={phase.problem} testId="queue-problem" />
        <div className="queue-step__actions">
          {phase.retryAt === undefined ? (
            <Button onClick={() => void join()} data-testid="queue-retry">
              Try again
            </Button>
          ) : (
            <p className="muted small">Trying again by itself in a moment…</p>
          )}
          <Link to={`/sales/${id}`} className="btn btn--ghost">
            Back to the drop
          </Link>
        </div>
      </section>
    );
  } else if (!status) {
    body = (
      <section className="queue-step" data-testid="queue-joining" aria-busy="true">
        <div className="queue-step__icon is-scanning">
          <QueueIcon size={34} />
        </div>
        <h1 className="queue-step__title">Finding your place…</h1>
        <p className="muted">One moment.</p>
      </section>
    );
  } else if (status.state === 'admitted' && !turnOver && admittedUntil !== undefined) {
    body = (
      <section
        className={`queue-turn${celebrate ? ' is-live' : ''}`}
        data-testid="queue-admitted"
        role="status"
      >
        {celebrate ? <Confetti /> : null}
        <div className="queue-turn__badge">
          <BoltIcon size={40} />
        </div>
        <h1 className="queue-turn__title">It's your turn!</h1>
        <p className="queue-turn__lede">
          You're in. Claim before the timer ends:{' '}
          <Countdown
            to={admittedUntil}
            format="clock"
            className="queue-turn__timer"
            testId="queue-admission-timer"
          />
        </p>
        <Link
          to={`/sales/${id}`}
          className="btn btn--primary btn--large btn--block btn--claim"
          data-testid="queue-shop"
        >
          Shop the drop now
        </Link>
        {celebrate ? (
          <div className="queue-turn__go" style={{ '--go-ms': `${GO_AFTER_MS}ms` } as CSSProperties}>
            <span className="queue-turn__go-bar" />
            <span className="small muted">Taking you there…</span>
          </div>
        ) : null}
      </section>
    );
  } else if (status.state === 'admitted') {
    body = (
      <EmptyState title="Your turn has ended" art={<ClockIcon size={40} />}>
        <p>
          The {plural(Math.round(config.admissionTtlSeconds / 60), 'minute')} to claim are over, and the next
          buyers have been let in.
        </p>
        <Link to={`/sales/${id}`} className="btn btn--secondary">
          Back to the drop
        </Link>
      </EmptyState>
    );
  } else if (status.state === 'left') {
    body = (
      <EmptyState title="You left the line" art={<QueueIcon size={40} />}>
        <p>Your place went to the next person.</p>
        <Link to={`/sales/${id}`} className="btn btn--secondary" data-testid="queue-left">
          Back to the drop
        </Link>
      </EmptyState>
    );
  } else if (status.state === 'abandoned') {
    body = (
      <EmptyState title="Your place lapsed" art={<QueueIcon size={40} />}>
        <p>This page was away too long, so the line moved on without it.</p>
        <Link to={`/sales/${id}`} className="btn btn--secondary">
          Back to the drop
        </Link>
      </EmptyState>
    );
  } else if (status.state === 'done') {
    body = (
      <EmptyState title="You're all set" art={<CheckIcon size={40} />}>
        <p>You checked out from this drop.</p>
        <Link to="/orders" className="btn btn--secondary">
          Your orders
        </Link>
      </EmptyState>
    );
  } else if (status.preOpen || position === null) {
    const drawn = status.preOpen;
    body = (
      <section className="queue-wait" data-testid="queue-preopen" data-state="pre-open">
        <p className="eyebrow">
          <span className="live-dot" aria-hidden="true" /> You're in line
        </p>
        <div className="queue-draw">
          <div className="queue-draw__icon">
            <ShuffleIcon size={40} />
          </div>
          {drawn ? (
            <>
              <h1 className="queue-draw__title">
                The line is drawn at random when the drop opens in{' '}
                <Countdown
                  to={status.saleStartsAt}
                  format="clock"
                  className="queue-draw__clock"
                  testId="queue-draw-countdown"
                />
              </h1>
              <p className="muted">Arriving early gives no edge: just stay on this page.</p>
            </>
          ) : (
            <>
              <h1 className="queue-draw__title">Drawing the line…</h1>
              <p className="muted">Your place shows up in a moment.</p>
            </>
          )}
        </div>
        <div className="queue-foot">{leaveButton}</div>
      </section>
    );
  } else {
    const first = Math.max(position, queueEntry(id)?.firstPosition ?? position);
    const progress = first > 0 ? (first - position + 1) / (first + 1) : 0;
    const ahead = position - 1;
    body = (
      <section
        className="queue-wait"
        data-testid="queue-waiting"
        data-state={status.paused ? 'paused' : 'waiting'}
      >
        <p className="eyebrow">
          <span className="live-dot" aria-hidden="true" /> You're in line
        </p>
        <ProgressRing progress={progress} paused={status.paused}>
          <span className="queue__hash" aria-hidden="true">
            #
          </span>
          <AnimatedNumber value={position} testId="queue-position" />
          <span className="queue__caption">your place</span>
        </ProgressRing>
        {status.paused ? (
          <div className="queue-paused" data-testid="queue-paused" role="status">
            <PauseIcon size={18} />
            <span>
              <strong>Paused by the host.</strong> You keep your place; the line moves again when they resume.
            </span>
          </div>
        ) : null}
        <dl className="queue-facts">
          <div>
            <dt>Estimated wait</dt>
            <dd data-testid="queue-eta">{etaText(status.etaSeconds, status.paused)}</dd>
          </div>
          <div>
            <dt>Ahead of you</dt>
            <dd data-testid="queue-ahead">{ahead === 0 ? 'nobody: you are next' : ahead.toLocaleString()}</dd>
          </div>
        </dl>
        <p className="queue-tip">
          Keep this page open. When it's your turn we take you to the drop, with{' '}
          {plural(Math.round(config.admissionTtlSeconds / 60), 'minute')} to claim.
        </p>
        <p className="sr-only" aria-live="polite">
          {calm}
        </p>
        <div className="queue-foot">{leaveButton}</div>
      </section>
    );
  }

  return (
    <>
      {body}
      <Modal
        open={confirmLeave}
        onClose={() => setConfirmLeave(false)}
        title="Leave the line?"
        testId="queue-leave-sheet"
      >
        <div className="stack">
          <p className="muted">Your place goes to the next person in line, and it can't be given back.</p>
          {leaveProblem ? <ProblemNotice problem={leaveProblem} /> : null}
          <Button variant="danger" block loading={leaving} onClick={leave} data-testid="queue-leave-confirm">
            Leave the line
          </Button>
          <Button variant="secondary" block onClick={() => setConfirmLeave(false)}>
            Stay in line
          </Button>
        </div>
      </Modal>
    </>
  );
}

/**
 * The waiting room of a drop: sign in (or guest), a proof of work when the room asks for one,
 * then the ticket: live place and ETA over the `queue:SALE:TICKET` channel (with polling as the
 * fallback), the pre-open draw, pauses, and "It's your turn!" with the admission that the drop
 * page sends with claims.
 */
export default function QueuePage({ params }: PageProps) {
  const id = params.id as string;
  const s = useSession();
  const sale = useLoad((signal) => api.sale(id, signal), [id]);
  useTitle(sale.data ? `Waiting room · ${sale.data.title}` : 'Waiting room');
  const ended = useReachedAt(sale.data ? Date.parse(sale.data.endsAt) : undefined);

  // A drop without a waiting room: claims happen on its page.
  useEffect(() => {
    if (sale.data && !sale.data.waitingRoom) navigate(`/sales/${id}`, { replace: true });
  }, [sale.data, id]);

  if (sale.error) {
    const f = friendlyError(sale.error);
    return (
      <div className="page narrow" data-testid="queue-page">
        <EmptyState title={f.code === 'not_found' ? 'This drop does not exist' : f.title}>
          <p>{f.code === 'not_found' ? 'The link may be wrong, or the drop was removed.' : f.detail}</p>
          <Link to="/" className="btn btn--secondary">
            See live drops
          </Link>
        </EmptyState>
      </div>
    );
  }
  const data = sale.data;
  const config = data?.waitingRoom;
  return (
    <div className="page narrow queue" data-testid="queue-page">
      <Link to={`/sales/${id}`} className="back">
        <ArrowLeftIcon size={16} /> The drop
      </Link>
      {!data || !config ? (
        <Skeleton lines={5} />
      ) : (
        <>
          <SaleStrip sale={data} />
          {ended ? (
            <EmptyState title="This drop has ended" art={<ClockIcon size={40} />}>
              <p>Its waiting room is closed.</p>
              <Link to="/" className="btn btn--secondary">
                See live drops
              </Link>
            </EmptyState>
          ) : s ? (
            <Line key={s.user.id} sale={data} config={config} />
          ) : (
            <section className="queue-signin card pad" data-testid="queue-signin">
              <h1 className="queue-step__title">Take your place in line</h1>
              <p className="muted">
                Sign in, or continue as a guest: your place is kept for this account, even if you reload.
              </p>
              <AuthPanel />
            </section>
          )}
        </>
      )}
    </div>
  );
}
