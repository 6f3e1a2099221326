import { useEffect, useRef, useState } from 'react';
import {
  type Countdown as CountdownValue,
  countdown,
  formatCountdown,
} from '../../../src/client/countdown.ts';
import { serverClock } from '../lib/clock.ts';
import { onFrame } from '../lib/ticker.ts';
import './Countdown.css';

export type CountdownFormat = 'auto' | 'clock' | 'segments';

const pad = (n: number) => String(n).padStart(2, '0');

/** `mm:ss` (or `h:mm:ss`): hold timers, which never switch to tenths. */
function clock(c: CountdownValue): string {
  const h = c.days * 24 + c.hours;
  return h > 0 ? `${h}:${pad(c.minutes)}:${pad(c.seconds)}` : `${pad(c.minutes)}:${pad(c.seconds)}`;
}

function text(c: CountdownValue, format: CountdownFormat): string {
  if (format === 'clock') return clock(c);
  if (format === 'segments') {
    // A stable key for the segmented view: re-render only when a visible digit changes.
    return c.msLeft < 10_000 ? formatCountdown(c) : `${c.days}:${c.hours}:${c.minutes}:${c.seconds}`;
  }
  return formatCountdown(c);
}

export interface CountdownProps {
  /** The instant to count to (ISO or epoch ms), on server time. */
  readonly to: string | number;
  readonly format?: CountdownFormat;
  readonly onDone?: () => void;
  readonly className?: string;
  readonly testId?: string;
  /** Read by screen readers instead of the ticking digits (e.g. "Opens at 18:00"). */
  readonly label?: string;
}

/**
 * A countdown on server time (`serverClock`), updated every animation frame with React
 * re-rendering only when the text changes. `data-ms-left` holds the exact time left at the
 * frame stamped in `data-at` (epoch ms on the monotonic performance clock), so tests can
 * compare two devices at the same instant.
 */
export function Countdown({
  to,
  format = 'auto',
  onDone,
  className,
  testId = 'countdown',
  label,
}: CountdownProps) {
  const target = typeof to === 'number' ? to : Date.parse(to);
  const ref = useRef<HTMLTimeElement>(null);
  const [c, setC] = useState(() => countdown(target, serverClock.now()));
  const shown = useRef(text(c, format));
  const done = useRef(c.done);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;

  useEffect(() => {
    done.current = false;
    return onFrame((now) => {
      const next = countdown(target, now);
      const el = ref.current;
      if (el) {
        el.dataset.msLeft = String(Math.round(next.msLeft));
        el.dataset.at = String(Math.round(performance.timeOrigin + performance.now()));
      }
      const t = text(next, format);
      if (t !== shown.current) {
        shown.current = t;
        setC(next);
      }
      if (next.done && !done.current) {
        done.current = true;
        onDoneRef.current?.();
      }
    });
  }, [target, format]);

  const iso = Number.isFinite(target) ? new Date(target).toISOString() : undefined;
  const urgent = !c.done && c.msLeft < 10_000;

  if (format === 'segments') {
    const segs: Array<[string, string]> = [];
    if (c.days > 0) segs.push([String(c.days), c.days === 1 ? 'day' : 'days']);
    segs.push([pad(c.hours), 'hrs'], [pad(c.minutes), 'min'], [pad(c.seconds), 'sec']);
    return (
      <time
        ref={ref}
        dateTime={iso}
        className={`countdown countdown--segments${urgent ? ' is-urgent' : ''} ${className ?? ''}`}
        data-testid={testId}
        aria-label={label}
        role="timer"
      >
        {urgent ? (
          <span className="countdown__final" aria-hidden={label ? 'true' : undefined}>
            {formatCountdown(c)}
          </span>
        ) : (
          segs.map(([v, unit]) => (
            <span className="countdown__seg" key={unit} aria-hidden={label ? 'true' : undefined}>
              <span className="countdown__num">{v}</span>
              <span className="countdown__unit">{unit}</span>
            </span>
          ))
        )}
      </time>
    );
  }

  return (
    <time
      ref={ref}
      dateTime={iso}
      className={`countdown${urgent ? ' is-urgent' : ''} ${className ?? ''}`}
      data-testid={testId}
      aria-label={label}
      role="timer"
    >
      {text(c, format)}
    </time>
  );
}
