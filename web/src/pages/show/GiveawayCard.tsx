import { type ReactNode, useEffect, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { CheckIcon } from '../../components/Icons.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { plural } from '../../lib/format.ts';
import type { Friendly } from '../../lib/problems.ts';
import { Link } from '../../lib/router.tsx';
import { useReachedAt } from '../../lib/ticker.ts';
import type { Giveaway } from '../../lib/types.ts';
import { GiftIcon } from './icons.tsx';
import { type Gate, type Room, roomProblem } from './room.tsx';
import './cards.css';

// Giveaways: enter during the window; the host draws; the winner gets a free order.

const ENTERED_KEY = 'flashmob.giveaways';
const entered = (id: string) => {
  try {
    return (JSON.parse(localStorage.getItem(ENTERED_KEY) ?? '[]') as string[]).includes(id);
  } catch {
    return false;
  }
};
const markEntered = (id: string) => {
  try {
    const all = (JSON.parse(localStorage.getItem(ENTERED_KEY) ?? '[]') as string[]).slice(-100);
    localStorage.setItem(ENTERED_KEY, JSON.stringify([...all, id]));
  } catch {
    // private mode
  }
};

export function GiveawayCard({
  giveaway: g,
  me,
  room,
  gate,
}: {
  giveaway: Giveaway;
  me: string | undefined;
  room: Room;
  gate: Gate;
}) {
  const [isIn, setIn] = useState(() => entered(g.id));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const closed = useReachedAt(Date.parse(g.closesAt));
  useEffect(() => {
    setIn(entered(g.id));
    setProblem(undefined);
  }, [g.id]);

  const enter = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.enterGiveaway(g.id);
      markEntered(g.id);
      setIn(true);
    } catch (e) {
      setProblem(roomProblem(e));
    } finally {
      setBusy(false);
    }
  };

  const winner = g.winnerId === me && !!me;
  let body: ReactNode;
  if (g.status === 'drawn') {
    body = winner ? (
      <div className="giveaway-card__won" role="status" data-testid="giveaway-won">
        <p>
          <strong>You won!</strong> It's free: tell us where to send it.
        </p>
        {g.orderId ? (
          <Link to={`/orders/${g.orderId}`} className="btn btn--primary btn--small">
            Add your address
          </Link>
        ) : null}
      </div>
    ) : (
      <p className="giveaway-card__result" role="status" data-testid="giveaway-winner">
        <strong>{room.nameOf(g.winnerId) ?? 'A viewer'}</strong> won!
        {isIn ? ' Not you this time.' : ''} <Link to={`/giveaways/${g.id}/verify`}>Check the draw</Link>
      </p>
    );
  } else if (g.status === 'no_entries') {
    body = <p className="giveaway-card__result">No one entered: no winner.</p>;
  } else if (closed) {
    body = <p className="giveaway-card__result">Entries closed · the host is drawing the winner…</p>;
  } else if (isIn) {
    body = (
      <p className="giveaway-card__in" data-testid="giveaway-entered">
        <CheckIcon size={16} /> You're in! Draw in <Countdown to={g.closesAt} />
      </p>
    );
  } else {
    body = (
      <Button
        size="small"
        loading={busy}
        onClick={() => gate('Sign in to enter', () => void enter())}
        data-testid="giveaway-enter"
      >
        Enter the giveaway · <Countdown to={g.closesAt} />
      </Button>
    );
  }

  return (
    <section
      className="room-card giveaway-card"
      aria-labelledby="giveaway-title"
      data-testid="giveaway"
      data-status={g.status}
    >
      <p className="room-card__eyebrow">
        <GiftIcon /> Giveaway · {plural(g.entrants, 'entry', 'entries')}
      </p>
      <h2 className="giveaway-card__title" id="giveaway-title">
        {g.title}
      </h2>
      {body}
      {problem ? <ProblemNotice problem={problem} /> : null}
    </section>
  );
}
