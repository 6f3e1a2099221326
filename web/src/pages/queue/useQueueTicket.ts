import { useCallback, useEffect, useRef, useState } from 'react';
import { solvePowInBackground } from '../../../../src/client/pow.ts';
import { ApiError, api } from '../../lib/api.ts';
import { serverClock } from '../../lib/clock.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { useChannel, useRealtime } from '../../lib/realtime.tsx';
import { navigate } from '../../lib/router.tsx';
import { useReachedAt } from '../../lib/ticker.ts';
import type { QueueStatus, Sale, WaitingRoomConfig } from '../../lib/types.ts';
import { etaText, forgetQueue, queueEntry, queueOpensAt, rememberStatus } from '../../lib/waiting-room.ts';
import { useCalm } from './visuals.tsx';

/** Polling is the fallback to the `queue:` channel, and tells the server the holder is still here. */
const POLL_MS = 10_000;
const POLL_OFFLINE_MS = 5_000;
/** After "It's your turn!", the drop page opens by itself this much later. */
export const GO_AFTER_MS = 6_000;

export type Phase =
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

/**
 * The buyer's ticket as state: joining (with the proof of work), the live place and ETA over the
 * `queue:` channel with polling as the fallback, admission, and leaving the line.
 */
export function useQueueTicket(sale: Sale, config: WaitingRoomConfig) {
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

  return {
    status,
    phase,
    celebrate,
    join,
    admittedUntil,
    turnOver,
    position,
    calm,
    confirmLeave,
    setConfirmLeave,
    leaving,
    leaveProblem,
    leave,
  };
}
