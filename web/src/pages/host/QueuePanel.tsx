import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { PauseIcon, PlayIcon, QueueIcon } from '../../components/Icons.tsx';
import { Button, ProblemNotice, Skeleton, TextField } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { useReachedAt } from '../../lib/ticker.ts';
import type { QueueHostView } from '../../lib/types.ts';
import { Stat } from './Stat.tsx';
import { wholeNumber } from './VariantPicker.tsx';
import './QueuePanel.css';

const REFRESH_MS = 2_000;
const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const rate = (n: number) => `${n.toLocaleString(undefined, { maximumFractionDigits: 1 })}/min`;

/**
 * A sale's waiting room for its host: the line, who is shopping, the admission rate (set and
 * observed), refreshed every 2 s; pause/resume and a new rate take effect at the next admission
 * tick (a quarter of a second).
 */
export function QueuePanel({ saleId }: { saleId: string }) {
  const [view, setView] = useState<QueueHostView>();
  const [loadError, setLoadError] = useState<unknown>();
  const [draft, setDraft] = useState<string>();
  const [rateError, setRateError] = useState<string>();
  const [busy, setBusy] = useState<'pause' | 'rate'>();
  const [problem, setProblem] = useState<Friendly>();

  const load = useCallback(
    () =>
      api.hostQueue(saleId).then(
        (v) => {
          setView(v);
          setLoadError(undefined);
        },
        (e) => setLoadError(e),
      ),
    [saleId],
  );

  useEffect(() => {
    void load();
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  const started = useReachedAt(view ? Date.parse(view.startsAt) : undefined);

  const update = async (kind: 'pause' | 'rate', patch: { paused?: boolean; admitPerMinute?: number }) => {
    setBusy(kind);
    setProblem(undefined);
    try {
      setView(await api.updateQueue(saleId, patch));
      if (kind === 'rate') setDraft(undefined);
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };

  const submitRate = (ev: FormEvent) => {
    ev.preventDefault();
    const n = wholeNumber(draft ?? '');
    if (!(n >= 1 && n <= 1_000_000)) {
      setRateError('A whole number of buyers per minute, from 1.');
      return;
    }
    setRateError(undefined);
    void update('rate', { admitPerMinute: n });
  };

  if (!view) {
    return (
      <section className="card pad queue-panel" data-testid="queue-panel">
        {loadError ? <ProblemNotice problem={friendlyError(loadError)} /> : <Skeleton lines={3} />}
      </section>
    );
  }

  const shopping = view.maxActive > 0 ? Math.min(100, (view.active / view.maxActive) * 100) : 0;
  const state = view.paused ? 'paused' : started ? 'admitting' : 'pre-open';
  return (
    <section className="card pad queue-panel" data-testid="queue-panel" aria-labelledby="queue-panel-title">
      <div className="queue-panel__head">
        <h3 id="queue-panel-title" className="h3 queue-panel__title">
          <QueueIcon size={18} /> Queue
        </h3>
        <span
          className={`badge ${view.paused ? 'badge--warning' : started ? 'badge--success' : 'badge--muted'}`}
          data-testid="queue-state"
          data-state={state}
        >
          {view.paused ? 'Paused' : started ? 'Admitting' : 'Gathering: the draw is at the start'}
        </span>
      </div>

      <div className="queue-panel__stats">
        <Stat
          label="In line"
          value={view.length.toLocaleString()}
          sub={view.preOpen > 0 ? `${view.preOpen.toLocaleString()} waiting for the draw` : undefined}
          testId="queue-length"
        />
        <Stat
          label="Shopping now"
          value={`${view.active.toLocaleString()} / ${view.maxActive.toLocaleString()}`}
          sub="admitted, within their time"
          testId="queue-active"
        />
        <Stat
          label="Admitted"
          value={view.admitted.toLocaleString()}
          sub="in total"
          testId="queue-admitted"
        />
        <Stat
          label="Admitting"
          value={view.paused ? 'paused' : rate(view.admitPerMinute)}
          sub={
            view.observedPerMinute !== null
              ? `observed ${rate(view.observedPerMinute)}`
              : 'observed: not enough data yet'
          }
          testId="queue-rate"
        />
      </div>
      <div
        className="queue-panel__active"
        role="progressbar"
        aria-label="Shopping now, of the most at once"
        aria-valuemin={0}
        aria-valuemax={view.maxActive}
        aria-valuenow={view.active}
      >
        <span style={{ width: `${shopping}%` }} />
      </div>
      <p className="muted small">
        The line opened at {time(view.opensAt)};{' '}
        {started ? (
          <>the drop started at {time(view.startsAt)}.</>
        ) : (
          <>
            the drop starts in <Countdown to={view.startsAt} format="clock" /> and the line is drawn at random
            then.
          </>
        )}
      </p>

      {problem ? <ProblemNotice problem={problem} testId="queue-panel-problem" /> : null}
      <div className="queue-panel__controls">
        <Button
          variant={view.paused ? 'primary' : 'secondary'}
          loading={busy === 'pause'}
          onClick={() => void update('pause', { paused: !view.paused })}
          data-testid="queue-pause"
          data-paused={view.paused}
        >
          {view.paused ? <PlayIcon size={16} /> : <PauseIcon size={16} />}
          {view.paused ? 'Resume admitting' : 'Pause admitting'}
        </Button>
        <form className="queue-panel__rate" onSubmit={submitRate} noValidate>
          <TextField
            label="Admit per minute"
            inputMode="numeric"
            value={draft ?? String(view.admitPerMinute)}
            onChange={(e) => setDraft(e.target.value)}
            error={rateError}
            hint={
              view.admitPerMinute !== view.configuredPerMinute
                ? `Scheduled at ${rate(view.configuredPerMinute)}.`
                : 'Takes effect within a second.'
            }
            data-testid="queue-rate-input"
          />
          <Button type="submit" variant="secondary" loading={busy === 'rate'} data-testid="queue-rate-save">
            Set rate
          </Button>
        </form>
      </div>
    </section>
  );
}
