import { useState } from 'react';
import { Button } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import { plural } from '../../../lib/format.ts';
import type { HostRoomState, Show } from '../../../lib/types.ts';
import './controls.css';

const MOOD_LABEL = { positive: 'Loving it', neutral: 'Neutral', negative: 'Unhappy' } as const;

/** The chat's mood over the last minute and the buyer questions nobody answered yet. */
export function Radar({ show, host }: { show: Show; host: HostRoomState | undefined }) {
  const [busy, setBusy] = useState<string>();
  const mood = host?.sentiment;
  const pct = mood ? Math.round(((mood.average + 1) / 2) * 100) : 50;
  return (
    <section
      className="card pad control control--radar"
      aria-labelledby="radar-title"
      data-testid="control-radar"
    >
      <div className="control__head">
        <h3 id="radar-title" className="control__title">
          Room radar
        </h3>
        <span
          className={`mood mood--${mood?.label ?? 'neutral'}`}
          data-testid="mood"
          data-mood={mood?.label ?? ''}
        >
          {mood && mood.count > 0 ? MOOD_LABEL[mood.label] : 'Quiet'}
        </span>
      </div>
      <div className="mood__meter" aria-hidden="true">
        <span className="mood__needle" style={{ left: `${pct}%` }} />
      </div>
      <p className="muted small">
        {mood ? `Chat mood: ${plural(mood.count, 'line')} in the last minute` : 'Waiting for the chat…'}
      </p>
      <p className="control__sub">Questions to answer</p>
      {host && host.questions.length > 0 ? (
        <ul className="radar" data-testid="radar">
          {host.questions.map((q) => (
            <li key={q.id} className="radar__q" data-testid="radar-question">
              <div>
                <strong>{q.userName}</strong> <span>{q.text}</span>
                {q.topics.length > 0 ? (
                  <span className="radar__topics">
                    {q.topics.map((t) => (
                      <span key={t} className="badge">
                        {t}
                      </span>
                    ))}
                  </span>
                ) : null}
              </div>
              <Button
                size="small"
                variant="ghost"
                loading={busy === q.id}
                onClick={() => {
                  setBusy(q.id);
                  api.markAnswered(show.id, q.id).then(
                    () => setBusy(undefined),
                    () => setBusy(undefined),
                  );
                }}
              >
                Answered
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No open questions. Buyer questions (size, price, shipping…) land here.</p>
      )}
    </section>
  );
}
