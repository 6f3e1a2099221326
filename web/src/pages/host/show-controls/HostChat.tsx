import { useState } from 'react';
import { ShieldIcon } from '../../../components/Icons.tsx';
import { ProblemNotice } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import { useUser } from '../../../lib/auth.ts';
import { plural } from '../../../lib/format.ts';
import { type Friendly, friendlyError } from '../../../lib/problems.ts';
import type { ChatMessage, Show } from '../../../lib/types.ts';
import { ChatComposer, ChatList } from '../../show/Chat.tsx';
import type { Room } from '../../show/room.tsx';
import './controls.css';

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
export function HostChat({ show, room }: { show: Show; room: Room }) {
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
