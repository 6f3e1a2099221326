import type { CSSProperties, ReactNode } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { BoltIcon, CheckIcon, ClockIcon, QueueIcon } from '../../components/Icons.tsx';
import { Button, EmptyState, ProblemNotice } from '../../components/ui.tsx';
import { plural } from '../../lib/format.ts';
import type { Friendly } from '../../lib/problems.ts';
import { Link } from '../../lib/router.tsx';
import type { QueueStatus } from '../../lib/types.ts';
import { GO_AFTER_MS } from './useQueueTicket.ts';
import { Confetti } from './visuals.tsx';
import '../QueuePage.css';
import './turn.css';

/** Before the waiting room opens: a clock to the opening; the page joins by itself then. */
export function NotOpenStep({ opensAt }: { opensAt: number }) {
  return (
    <section className="queue-step" data-testid="queue-not-open">
      <div className="queue-step__icon">
        <ClockIcon size={34} />
      </div>
      <h1 className="queue-step__title">The waiting room opens in</h1>
      <Countdown to={opensAt} format="clock" className="queue-step__clock" testId="queue-opens-countdown" />
      <p className="muted">
        Stay on this page: you join the line by yourself when it opens. Everyone who joins before the drop
        starts is drawn in random order, so arriving early gives no edge.
      </p>
    </section>
  );
}

/** A refusal to join: try again (now, or by itself when the server said when). */
export function ErrorStep({
  id,
  problem,
  retryAt,
  onRetry,
}: {
  id: string;
  problem: Friendly;
  retryAt: number | undefined;
  onRetry: () => void;
}) {
  return (
    <section className="queue-step" data-testid="queue-error">
      <ProblemNotice problem={problem} testId="queue-problem" />
      <div className="queue-step__actions">
        {retryAt === undefined ? (
          <Button onClick={onRetry} data-testid="queue-retry">
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
}

export function JoiningStep() {
  return (
    <section className="queue-step" data-testid="queue-joining" aria-busy="true">
      <div className="queue-step__icon is-scanning">
        <QueueIcon size={34} />
      </div>
      <h1 className="queue-step__title">Finding your place…</h1>
      <p className="muted">One moment.</p>
    </section>
  );
}

/** "It's your turn!": the admission's timer, and (seen live) confetti and the trip to the drop. */
export function TurnStep({ id, until, celebrate }: { id: string; until: number; celebrate: boolean }) {
  return (
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
        <Countdown to={until} format="clock" className="queue-turn__timer" testId="queue-admission-timer" />
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
}

/** A ticket that is over: the turn ran out, the buyer left, the place lapsed, or checked out. */
export function TicketOver({
  id,
  state,
  admissionTtlSeconds,
}: {
  id: string;
  state: QueueStatus['state'];
  admissionTtlSeconds: number;
}): ReactNode {
  if (state === 'admitted')
    return (
      <EmptyState title="Your turn has ended" art={<ClockIcon size={40} />}>
        <p>
          The {plural(Math.round(admissionTtlSeconds / 60), 'minute')} to claim are over, and the next buyers
          have been let in.
        </p>
        <Link to={`/sales/${id}`} className="btn btn--secondary">
          Back to the drop
        </Link>
      </EmptyState>
    );
  if (state === 'left')
    return (
      <EmptyState title="You left the line" art={<QueueIcon size={40} />}>
        <p>Your place went to the next person.</p>
        <Link to={`/sales/${id}`} className="btn btn--secondary" data-testid="queue-left">
          Back to the drop
        </Link>
      </EmptyState>
    );
  if (state === 'abandoned')
    return (
      <EmptyState title="Your place lapsed" art={<QueueIcon size={40} />}>
        <p>This page was away too long, so the line moved on without it.</p>
        <Link to={`/sales/${id}`} className="btn btn--secondary">
          Back to the drop
        </Link>
      </EmptyState>
    );
  if (state === 'done')
    return (
      <EmptyState title="You're all set" art={<CheckIcon size={40} />}>
        <p>You checked out from this drop.</p>
        <Link to="/orders" className="btn btn--secondary">
          Your orders
        </Link>
      </EmptyState>
    );
  return null;
}
