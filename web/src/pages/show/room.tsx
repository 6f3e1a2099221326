import { useCallback, useMemo, useRef, useState } from 'react';
import { AuthPanel } from '../../components/AuthPanel.tsx';
import { Modal } from '../../components/ui.tsx';
import { ApiError } from '../../lib/api.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { useChannel } from '../../lib/realtime.tsx';
import { session } from '../../lib/session.ts';
import type { ChatMessage, RoomState } from '../../lib/types.ts';
import './room.css';
import './motion.css';

/** Lines kept on screen (the server keeps the history; a late joiner gets the last 50). */
const MAX_LINES = 150;

export interface Room {
  /** The latest `state` frame of `show:ID`, or undefined until the first one. */
  readonly state: RoomState | undefined;
  readonly lines: readonly ChatMessage[];
  /** Viewers on the channel (presence frames, else the state's count). */
  readonly viewers: number | undefined;
  /** Lines the server left out of its batches (a very busy room shows at most 40 per tick). */
  readonly dropped: number;
  /** A name seen for this user (chat lines, bids), if any. */
  nameOf(userId: string | null | undefined): string | undefined;
  learn(userId: string, name: string): void;
  /** A line this client posted: shown at once (the server's batch is deduplicated by id). */
  addLine(line: ChatMessage): void;
}

const byTime = (a: ChatMessage, b: ChatMessage) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

function merge(prev: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  if (incoming.length === 0) return prev;
  const seen = new Set(prev.map((l) => l.id));
  const fresh = incoming.filter((l) => !seen.has(l.id));
  if (fresh.length === 0) return prev;
  const next = prev.concat(fresh);
  // A history that arrives after lines sent meanwhile (a reconnect) goes before them.
  if (
    prev.length > 0 &&
    fresh[0] &&
    prev[prev.length - 1] &&
    byTime(fresh[0], prev.at(-1) as ChatMessage) < 0
  )
    next.sort(byTime);
  return next.length > MAX_LINES ? next.slice(-MAX_LINES) : next;
}

function learnNames(names: Map<string, string>, lines: readonly ChatMessage[]): void {
  for (const l of lines) if (l.userId && l.kind !== 'bot') names.set(l.userId, l.userName);
}

interface Kept {
  readonly id: string;
  readonly state: RoomState | undefined;
  readonly lines: readonly ChatMessage[];
  readonly viewers: number | undefined;
  readonly dropped: number;
}

/**
 * One show's room over `show:ID`: the conflated state (show, featured stock, auction, poll,
 * giveaway, reaction totals), the chat (history on subscribe, then one batch per tick, deletions)
 * and presence. The host's console glances (`presence: false`): only buyers count as viewers.
 */
export function useShowRoom(showId: string, opts: { presence?: boolean } = {}): Room {
  const empty: Kept = { id: showId, state: undefined, lines: [], viewers: undefined, dropped: 0 };
  const [kept, setKept] = useState<Kept>(empty);
  const names = useRef(new Map<string, string>());
  const learnLines = (lines: readonly ChatMessage[]) => learnNames(names.current, lines);

  useChannel<unknown>(
    `show:${showId}`,
    (f) => {
      setKept((k0) => {
        const k = k0.id === showId ? k0 : { ...empty };
        switch (f.ev) {
          case 'state': {
            const state = f.data as RoomState;
            return { ...k, state, viewers: state.viewers };
          }
          case 'presence':
            return { ...k, viewers: (f.data as { viewers: number }).viewers };
          case 'chat.history': {
            const lines = (f.data as { messages: ChatMessage[] }).messages;
            learnLines(lines);
            return { ...k, lines: merge(k.lines, lines) };
          }
          case 'chat': {
            const { messages, dropped } = f.data as { messages: ChatMessage[]; dropped: number };
            learnLines(messages);
            return { ...k, lines: merge(k.lines, messages), dropped: k.dropped + (dropped ?? 0) };
          }
          case 'chat.deleted': {
            const { id } = f.data as { id: string };
            return { ...k, lines: k.lines.filter((l) => l.id !== id) };
          }
          default:
            return k;
        }
      });
    },
    opts.presence === false ? { presence: false } : {},
  );

  const current = kept.id === showId ? kept : empty;
  const nameOf = useCallback(
    (userId: string | null | undefined) => (userId ? names.current.get(userId) : undefined),
    [],
  );
  const learn = useCallback((userId: string, name: string) => {
    names.current.set(userId, name);
  }, []);
  const addLine = useCallback(
    (line: ChatMessage) => {
      learnNames(names.current, [line]);
      setKept((k) => (k.id === showId ? { ...k, lines: merge(k.lines, [line]) } : k));
    },
    [showId],
  );
  return useMemo(
    () => ({
      state: current.state,
      lines: current.lines,
      viewers: current.viewers,
      dropped: current.dropped,
      nameOf,
      learn,
      addLine,
    }),
    [current.state, current.lines, current.viewers, current.dropped, nameOf, learn, addLine],
  );
}

/** Runs an action that needs an account (see useAuthGate); `title` heads the sign-in sheet. */
export type Gate = (title: string, run: () => void) => void;

/**
 * Actions that need an account (buy, bid, chat, react, vote, follow): signed out, the sign-in
 * sheet opens (sign in, sign up or continue as a guest), and the action runs once signed in.
 */
export function useAuthGate() {
  const [pending, setPending] = useState<{ title: string; run: () => void }>();
  const gate = useCallback((title: string, run: () => void) => {
    if (session.token()) run();
    else setPending({ title, run });
  }, []);
  const modal = (
    <Modal
      open={pending !== undefined}
      onClose={() => setPending(undefined)}
      title={pending?.title ?? 'Sign in'}
      testId="auth-sheet"
    >
      <AuthPanel
        onDone={() => {
          const p = pending;
          setPending(undefined);
          // The session has its token now: do what was asked.
          if (p) setTimeout(p.run, 0);
        }}
      />
    </Modal>
  );
  return { gate, modal };
}

/** The refusal as the room says it (a show's sale "ends" with the show). */
export function roomProblem(e: unknown): Friendly {
  const f = friendlyError(e);
  if (f.code === 'ended')
    return { code: f.code, title: 'The show has ended', detail: 'Buying is closed for this show.' };
  if (f.code === 'sold_out' && !(e instanceof ApiError && (e.problem.remaining ?? 0) > 0))
    return {
      code: f.code,
      title: 'Sold out',
      detail: 'Every unit is claimed. Units from expired holds come back here.',
    };
  if (f.code === 'not_started')
    return { code: f.code, title: 'Not yet', detail: 'Buying opens when the show goes live.' };
  return f;
}

/** `1.2k`, `38k`: counters on buttons. */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** The first letter of a name, for avatars. */
export const initial = (name: string) => (name.trim()[0] ?? '?').toUpperCase();

/** A stable hue per user, so that a chatter's name keeps its colour. */
export function hueOf(id: string | null | undefined): number {
  let h = 0;
  for (const ch of id ?? '') h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}
