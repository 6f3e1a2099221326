import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button, ProblemNotice, TextField } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import type { Faq, Show } from '../../../lib/types.ts';
import { Panel, useAction } from './Panel.tsx';

export function FaqControl({ show }: { show: Show }) {
  const [faqs, setFaqs] = useState<Faq[]>();
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const { busy, problem, run } = useAction();
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    api.faqs(show.id).then(setFaqs, () => setFaqs([]));
  }, [show.id]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (question.trim().length < 3 || !answer.trim()) return;
    let added: Faq | undefined;
    if (
      await run('add', async () => {
        added = await api.addFaq(show.id, { question: question.trim(), answer: answer.trim() });
      })
    ) {
      if (added) setFaqs((f) => [...(f ?? []), added as Faq]);
      setQuestion('');
      setAnswer('');
    }
  };
  return (
    <Panel title="FAQ bot" testId="control-faq" className="control--faq">
      <p className="muted small">
        A viewer question that matches one of these is answered in the chat at once.
      </p>
      {faqs && faqs.length > 0 ? (
        <ul className="control__faqs">
          {faqs.map((f) => (
            <li key={f.id}>
              <strong>{f.question}</strong>
              <span className="muted small block">{f.answer}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="control__form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Question"
          value={question}
          maxLength={300}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder="Does it run true to size?"
        />
        <TextField
          label="Answer"
          value={answer}
          maxLength={500}
          onChange={(e) => setAnswer(e.target.value)}
          placeholder="Yes: take your usual size."
        />
        {problem ? <ProblemNotice problem={problem} /> : null}
        <Button
          type="submit"
          size="small"
          variant="secondary"
          loading={busy === 'add'}
          disabled={question.trim().length < 3 || !answer.trim()}
        >
          Teach the bot
        </Button>
      </form>
    </Panel>
  );
}
