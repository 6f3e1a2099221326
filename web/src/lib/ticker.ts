import { useEffect, useState } from 'react';
import { serverClock } from './clock.ts';

type FrameFn = (serverNow: number) => void;
const callbacks = new Set<FrameFn>();
let handle = 0;

function loop(): void {
  const now = serverClock.now();
  for (const cb of callbacks) cb(now);
  handle = callbacks.size > 0 ? requestAnimationFrame(loop) : 0;
}

/**
 * One animation-frame loop for every countdown on screen: each callback gets the server time
 * of that frame. Paused by the browser when the tab is hidden; resumes where time is.
 */
export function onFrame(cb: FrameFn): () => void {
  callbacks.add(cb);
  if (!handle) handle = requestAnimationFrame(loop);
  return () => {
    callbacks.delete(cb);
  };
}

/** Server time, re-rendering every `everyMs` (coarse clocks: "ends in 3 h"). */
export function useServerNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => serverClock.now());
  useEffect(() => {
    const id = setInterval(() => setNow(serverClock.now()), everyMs);
    const off = serverClock.subscribe(() => setNow(serverClock.now()));
    return () => {
      clearInterval(id);
      off();
    };
  }, [everyMs]);
  return now;
}

/**
 * True from the instant `atMs` (server time) on, flipping within a frame of it: a timer aims at
 * the moment and is re-aimed whenever the clock estimate moves.
 */
export function useReachedAt(atMs: number | undefined): boolean {
  const [reached, setReached] = useState(() => atMs !== undefined && serverClock.now() >= atMs);
  useEffect(() => {
    if (atMs === undefined) {
      setReached(false);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const aim = () => {
      if (timer) clearTimeout(timer);
      const left = atMs - serverClock.now();
      if (left <= 0) {
        setReached(true);
        return;
      }
      setReached(false);
      // Long waits are re-aimed in steps (timers drift; the tab may sleep).
      timer = setTimeout(aim, Math.min(left, 30_000));
    };
    aim();
    const off = serverClock.subscribe(aim);
    const onVisible = () => document.visibilityState === 'visible' && aim();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      if (timer) clearTimeout(timer);
      off();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [atMs]);
  return reached;
}
