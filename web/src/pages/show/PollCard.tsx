import { useEffect, useState } from 'react';
import { CheckIcon } from '../../components/Icons.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { plural } from '../../lib/format.ts';
import type { Friendly } from '../../lib/problems.ts';
import type { Poll } from '../../lib/types.ts';
import { type Gate, roomProblem } from './room.tsx';
import './cards.css';

// Polls: one vote per viewer (kept on this device; the server refuses a second one and says which).

const VOTES_KEY = 'flashmob.votes';
function storedVote(pollId: string): number | undefined {
  try {
    const v = (JSON.parse(localStorage.getItem(VOTES_KEY) ?? '{}') as Record<string, number>)[pollId];
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}
function storeVote(pollId: string, option: number): void {
  try {
    const all = JSON.parse(localStorage.getItem(VOTES_KEY) ?? '{}') as Record<string, number>;
    const keys = Object.keys(all);
    if (keys.length > 100) for (const k of keys.slice(0, keys.length - 100)) delete all[k];
    localStorage.setItem(VOTES_KEY, JSON.stringify({ ...all, [pollId]: option }));
  } catch {
    // private mode: the server still remembers
  }
}

export function PollCard({ poll, gate }: { poll: Poll; gate: Gate }) {
  const [voted, setVoted] = useState<number | undefined>(() => storedVote(poll.id));
  const [busy, setBusy] = useState<number>();
  const [problem, setProblem] = useState<Friendly>();
  const [results, setResults] = useState<Poll['results']>();
  useEffect(() => {
    setVoted(storedVote(poll.id));
    setProblem(undefined);
    setResults(undefined);
  }, [poll.id]);

  // The room's results come once per tick; right after voting, the vote's own answer is newer.
  const tally = results && results.total > poll.results.total ? results : poll.results;
  const showResults = voted !== undefined || poll.status === 'closed';

  const cast = async (option: number) => {
    setBusy(option);
    setProblem(undefined);
    try {
      const p = await api.vote(poll.id, option);
      storeVote(poll.id, option);
      setVoted(option);
      setResults(p.results);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'already_voted' && typeof e.problem.optionIndex === 'number') {
        storeVote(poll.id, e.problem.optionIndex);
        setVoted(e.problem.optionIndex);
      } else setProblem(roomProblem(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section
      className="room-card poll-card"
      aria-labelledby="poll-q"
      data-testid="poll"
      data-status={poll.status}
    >
      <p className="room-card__eyebrow">{poll.status === 'open' ? 'Poll' : 'Poll · final results'}</p>
      <h2 className="poll-card__q" id="poll-q">
        {poll.question}
      </h2>
      {showResults ? (
        <ul className="poll-card__results" data-testid="poll-results">
          {tally.options.map((o, i) => (
            <li key={o.option} className={`poll-card__result${voted === i ? ' is-mine' : ''}`}>
              <span className="poll-card__bar" style={{ width: `${o.percent}%` }} aria-hidden="true" />
              <span className="poll-card__label">
                {voted === i ? <CheckIcon size={14} /> : null} {o.option}
              </span>
              <span className="poll-card__pct" data-testid={`poll-pct-${i}`}>
                {o.percent}%
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <div className="poll-card__options">
          {poll.results.options.map((o, i) => (
            <Button
              key={o.option}
              variant="secondary"
              size="small"
              loading={busy === i}
              disabled={busy !== undefined}
              onClick={() => gate('Sign in to vote', () => void cast(i))}
              data-testid={`poll-option-${i}`}
            >
              {o.option}
            </Button>
          ))}
        </div>
      )}
      <p className="poll-card__total muted small">{plural(tally.total, 'vote')}</p>
      {problem ? <ProblemNotice problem={problem} /> : null}
    </section>
  );
}
