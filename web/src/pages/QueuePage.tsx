import { type ReactNode, useEffect } from 'react';
import { AuthPanel } from '../components/AuthPanel.tsx';
import { ArrowLeftIcon, ClockIcon } from '../components/Icons.tsx';
import { Button, EmptyState, Modal, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { friendlyError } from '../lib/problems.ts';
import { Link, navigate, type PageProps } from '../lib/router.tsx';
import { useReachedAt } from '../lib/ticker.ts';
import type { Sale, WaitingRoomConfig } from '../lib/types.ts';
import { ErrorStep, JoiningStep, NotOpenStep, TicketOver, TurnStep } from './queue/steps.tsx';
import { useQueueTicket } from './queue/useQueueTicket.ts';
import { PowStep, SaleStrip } from './queue/visuals.tsx';
import { PreOpenStep, WaitingStep } from './queue/waiting.tsx';
import './QueuePage.css';

/** The buyer's ticket: joining (with the proof of work), live place and ETA, admission. */
function Line({ sale, config }: { sale: Sale; config: WaitingRoomConfig }) {
  const id = sale.id;
  const t = useQueueTicket(sale, config);
  const { status, phase, position } = t;

  const leaveButton = (
    <Button variant="ghost" onClick={() => t.setConfirmLeave(true)} data-testid="queue-leave">
      Leave the line
    </Button>
  );

  let body: ReactNode;
  if (phase.kind === 'checking') {
    body = <PowStep difficulty={phase.difficulty} />;
  } else if (phase.kind === 'not-open') {
    body = <NotOpenStep opensAt={phase.opensAt} />;
  } else if (phase.kind === 'error') {
    body = (
      <ErrorStep id={id} problem={phase.problem} retryAt={phase.retryAt} onRetry={() => void t.join()} />
    );
  } else if (!status) {
    body = <JoiningStep />;
  } else if (status.state === 'admitted' && !t.turnOver && t.admittedUntil !== undefined) {
    body = <TurnStep id={id} until={t.admittedUntil} celebrate={t.celebrate} />;
  } else if (status.state !== 'waiting') {
    body = <TicketOver id={id} state={status.state} admissionTtlSeconds={config.admissionTtlSeconds} />;
  } else if (status.preOpen || position === null) {
    body = <PreOpenStep status={status} leaveButton={leaveButton} />;
  } else {
    body = (
      <WaitingStep
        id={id}
        status={status}
        position={position}
        admissionTtlSeconds={config.admissionTtlSeconds}
        calm={t.calm}
        leaveButton={leaveButton}
      />
    );
  }

  return (
    <>
      {body}
      <Modal
        open={t.confirmLeave}
        onClose={() => t.setConfirmLeave(false)}
        title="Leave the line?"
        testId="queue-leave-sheet"
      >
        <div className="stack">
          <p className="muted">Your place goes to the next person in line, and it can't be given back.</p>
          {t.leaveProblem ? <ProblemNotice problem={t.leaveProblem} /> : null}
          <Button
            variant="danger"
            block
            loading={t.leaving}
            onClick={t.leave}
            data-testid="queue-leave-confirm"
          >
            Leave the line
          </Button>
          <Button variant="secondary" block onClick={() => t.setConfirmLeave(false)}>
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
