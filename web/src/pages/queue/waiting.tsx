import type { ReactNode } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { PauseIcon, ShuffleIcon } from '../../components/Icons.tsx';
import { plural } from '../../lib/format.ts';
import type { QueueStatus } from '../../lib/types.ts';
import { etaText, queueEntry } from '../../lib/waiting-room.ts';
import { AnimatedNumber, ProgressRing } from './visuals.tsx';
import '../QueuePage.css';
import './line.css';

/** In line before the drop opens (the pre-open block is drawn at random), or while the draw runs. */
export function PreOpenStep({ status, leaveButton }: { status: QueueStatus; leaveButton: ReactNode }) {
  const drawn = status.preOpen;
  return (
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
}

/** In line: the place as a ring, the ETA, who is ahead, pauses; a calm line for screen readers. */
export function WaitingStep({
  id,
  status,
  position,
  admissionTtlSeconds,
  calm,
  leaveButton,
}: {
  id: string;
  status: QueueStatus;
  position: number;
  admissionTtlSeconds: number;
  calm: string;
  leaveButton: ReactNode;
}) {
  const first = Math.max(position, queueEntry(id)?.firstPosition ?? position);
  const progress = first > 0 ? (first - position + 1) / (first + 1) : 0;
  const ahead = position - 1;
  return (
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
        {plural(Math.round(admissionTtlSeconds / 60), 'minute')} to claim.
      </p>
      <p className="sr-only" aria-live="polite">
        {calm}
      </p>
      <div className="queue-foot">{leaveButton}</div>
    </section>
  );
}
