import { type FormEvent, useState } from 'react';
import { Button, ProblemNotice, TextField } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import type { Poll, Show } from '../../../lib/types.ts';
import { Panel, StartButton, stateBadge, useAction } from './Panel.tsx';
import '../../show/cards.css';

// Polls: ask (2–6 options), watch the results, close.

export function PollControl({ show, poll }: { show: Show; poll: Poll | null | undefined }) {
  const { busy, problem, run, refuse } = useAction();
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const open = poll?.status === 'open';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const opts = options.map((o) => o.trim()).filter(Boolean);
    if (!question.trim() || opts.length < 2) {
      refuse('Check the poll', 'A question and at least 2 answers.', 'invalid_poll');
      return;
    }
    if (await run('open', () => api.openPoll(show.id, { question: question.trim(), options: opts }))) {
      setQuestion('');
      setOptions(['', '']);
    }
  };
  return (
    <Panel title="Poll" testId="control-poll" aside={open ? stateBadge('success', 'Open') : null}>
      {poll ? (
        <div className="control__poll" data-testid="host-poll" data-status={poll.status}>
          <p className="control__featured-title">{poll.question}</p>
          <ul className="poll-card__results">
            {poll.results.options.map((o) => (
              <li key={o.option} className="poll-card__result">
                <span className="poll-card__bar" style={{ width: `${o.percent}%` }} aria-hidden="true" />
                <span className="poll-card__label">{o.option}</span>
                <span className="poll-card__pct">
                  {o.count} · {o.percent}%
                </span>
              </li>
            ))}
          </ul>
          {open ? (
            <Button
              size="small"
              variant="secondary"
              loading={busy === 'close'}
              onClick={() => void run('close', () => api.closePoll(poll.id))}
              data-testid="poll-close"
            >
              Close the poll
            </Button>
          ) : null}
        </div>
      ) : null}
      <form className="control__form" onSubmit={(e) => void submit(e)} noValidate data-testid="poll-form">
        <TextField
          label={open ? 'Ask another (closes this one)' : 'Question'}
          value={question}
          maxLength={200}
          onChange={(e) => setQuestion(e.target.value)}
          data-testid="poll-question"
        />
        {options.map((o, i) => (
          <TextField
            // biome-ignore lint/suspicious/noArrayIndexKey: answers are edited in place
            key={i}
            label={`Answer ${i + 1}`}
            value={o}
            maxLength={80}
            onChange={(e) => setOptions((os) => os.map((x, j) => (j === i ? e.target.value : x)))}
            data-testid={`poll-answer-${i}`}
          />
        ))}
        <div className="row">
          {options.length < 6 ? (
            <Button size="small" variant="ghost" onClick={() => setOptions((os) => [...os, ''])}>
              + Answer
            </Button>
          ) : null}
          {options.length > 2 ? (
            <Button size="small" variant="ghost" onClick={() => setOptions((os) => os.slice(0, -1))}>
              − Answer
            </Button>
          ) : null}
        </div>
        {problem ? <ProblemNotice problem={problem} /> : null}
        <StartButton busy={busy === 'open'} disabled={show.status === 'ended'} testId="poll-submit">
          Start the poll
        </StartButton>
      </form>
    </Panel>
  );
}
