import {
  type FormEvent,
  memo,
  type ReactNode,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { api } from '../../lib/api.ts';
import type { Friendly } from '../../lib/problems.ts';
import type { ChatMessage } from '../../lib/types.ts';
import { hueOf, roomProblem } from './room.tsx';
import './Chat.css';

/** One chat line: the author (the host and the bot marked), the text. */
function Line({
  line,
  hostId,
  me,
  actions,
}: {
  line: ChatMessage;
  hostId: string;
  me: string | undefined;
  actions?: ReactNode;
}) {
  const isHost = line.userId === hostId || line.kind === 'announcement';
  const bot = line.kind === 'bot';
  const mine = !!line.userId && line.userId === me;
  return (
    <li
      className={`chat-line chat-line--${line.kind}${mine ? ' is-mine' : ''}`}
      data-testid="chat-line"
      data-id={line.id}
      data-user={line.userId ?? ''}
      data-kind={line.kind}
    >
      <span className="chat-line__body">
        <span
          className="chat-line__name"
          style={isHost || bot || mine ? undefined : { color: `hsl(${hueOf(line.userId)} 85% 72%)` }}
        >
          {line.userName}
          {isHost ? <span className="chat-line__badge">Host</span> : null}
          {bot ? <span className="chat-line__badge chat-line__badge--bot">Bot</span> : null}
        </span>{' '}
        <span className="chat-line__text">{line.text}</span>
      </span>
      {actions}
    </li>
  );
}

/**
 * The chat as a log: sticks to the newest line unless the reader scrolled up (then a button
 * brings them back). `actions` adds per-line controls (the host's moderation).
 */
export const ChatList = memo(function ChatList({
  lines,
  hostId,
  me,
  pinned,
  dropped = 0,
  actions,
  className = '',
  empty = 'Say hi to start the chat.',
}: {
  lines: readonly ChatMessage[];
  hostId: string;
  me: string | undefined;
  pinned?: { text: string } | null;
  dropped?: number;
  actions?: (line: ChatMessage) => ReactNode;
  className?: string;
  empty?: string;
}) {
  const box = useRef<HTMLOListElement>(null);
  const [stuck, setStuck] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const last = lines.at(-1)?.id;
  const seenLast = useRef(last);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new line arrives
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || last === seenLast.current) return;
    seenLast.current = last;
    if (stuck) el.scrollTop = el.scrollHeight;
    else setUnseen((n) => n + 1);
  }, [last]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    setStuck(atBottom);
    if (atBottom) setUnseen(0);
  };

  return (
    <div className={`chat ${className}`}>
      {pinned ? (
        <p className="chat__pinned" data-testid="chat-pinned">
          <span className="chat__pin-label">Pinned</span> {pinned.text}
        </p>
      ) : null}
      <ol
        ref={box}
        className="chat__list"
        role="log"
        aria-label="Live chat"
        data-testid="chat-list"
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard
        tabIndex={0}
      >
        {lines.length === 0 ? <li className="chat__empty">{empty}</li> : null}
        {lines.map((l) => (
          <Line key={l.id} line={l} hostId={hostId} me={me} actions={actions?.(l)} />
        ))}
      </ol>
      {dropped > 0 ? (
        <p className="chat__dropped muted small">Busy room: {dropped.toLocaleString()} lines skipped</p>
      ) : null}
      {!stuck && unseen > 0 ? (
        <button
          type="button"
          className="chat__more"
          onClick={() => {
            const el = box.current;
            if (el) el.scrollTop = el.scrollHeight;
            setStuck(true);
            setUnseen(0);
          }}
        >
          {unseen} new {unseen === 1 ? 'message' : 'messages'} ↓
        </button>
      ) : null}
    </div>
  );
});

/**
 * The send box: over HTTP, so that every refusal (muted, banned, slow mode, too fast, ended)
 * comes back with its code and facts and is said right here. The sent line shows at once.
 */
export function ChatComposer({
  showId,
  onSent,
  gate,
  closed,
  placeholder = 'Say something…',
  label = 'Message the room',
  hint,
}: {
  showId: string;
  onSent: (line: ChatMessage) => void;
  gate: (title: string, run: () => void) => void;
  closed?: string | undefined;
  placeholder?: string;
  label?: string;
  hint?: ReactNode;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const [waitUntil, setWaitUntil] = useState(0);
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);

  // Slow mode and the burst limit say how long to wait: the refusal goes away when it is over.
  useEffect(() => {
    if (!waitUntil) return;
    const t = setTimeout(
      () => {
        setWaitUntil(0);
        setProblem((p) => (p && (p.code === 'slow_mode' || p.code === 'chat_rate_limited') ? undefined : p));
      },
      Math.max(0, waitUntil - Date.now()),
    );
    return () => clearTimeout(t);
  }, [waitUntil]);

  const send = async (value: string) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const line = await api.sendChat(showId, value);
      onSent(line);
      setText('');
    } catch (e) {
      const f = roomProblem(e);
      setProblem(f);
      const after = (e as { problem?: { retryAfterMs?: unknown } }).problem?.retryAfterMs;
      if (typeof after === 'number') setWaitUntil(Date.now() + after);
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value || busy) return;
    gate('Sign in to chat', () => void send(value));
  };

  if (closed) {
    return (
      <p className="chat-form chat-form--closed muted small" data-testid="chat-closed">
        {closed}
      </p>
    );
  }
  return (
    <form className="chat-form" onSubmit={submit} aria-label={label} data-testid="chat-form">
      <div aria-live="polite" className="chat-form__message">
        {problem ? (
          <p className="chat-form__problem" role="alert" data-testid="chat-problem" data-code={problem.code}>
            <strong>{problem.title}</strong>
            {problem.detail ? <span> {problem.detail}</span> : null}
          </p>
        ) : hint ? (
          <p className="chat-form__hint">{hint}</p>
        ) : null}
      </div>
      <div className="chat-form__row">
        <label htmlFor={inputId} className="sr-only">
          {label}
        </label>
        <input
          ref={input}
          id={inputId}
          className="chat-form__input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={300}
          placeholder={placeholder}
          autoComplete="off"
          enterKeyHint="send"
          data-testid="chat-input"
        />
        <button
          type="submit"
          className="chat-form__send"
          disabled={busy || !text.trim() || waitUntil > 0}
          data-testid="chat-send"
        >
          Send
        </button>
      </div>
    </form>
  );
}
