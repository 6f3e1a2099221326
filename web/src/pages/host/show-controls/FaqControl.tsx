import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button, ProblemNotice } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import type { Faq, Show } from '../../../lib/types.ts';
import { type ShortField, ShortFields, useTextFields } from '../form-parts.tsx';
import { Panel, useAction } from './Panel.tsx';

const FAQ_FIELDS: readonly ShortField<'question' | 'answer'>[] = [
  {
    name: 'question',
    label: 'Question',
    inputMode: 'text',
    maxLength: 300,
    placeholder: 'Does it run true to size?',
  },
  {
    name: 'answer',
    label: 'Answer',
    inputMode: 'text',
    maxLength: 500,
    placeholder: 'Yes: take your usual size.',
  },
];

/** The FAQ bot: what it answers by itself, and teaching it another answer. */
export function FaqControl({ show }: { show: Show }) {
  const [faqs, setFaqs] = useState<Faq[]>();
  const text = useTextFields({ question: '', answer: '' });
  const { question, answer } = text.values;
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
      text.set('question', '');
      text.set('answer', '');
    }
  };
  return (
    <Panel title="FAQ bot" testId="control-faq">
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
        <ShortFields fields={FAQ_FIELDS} bind={text.bind} />
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
