import { useId, useState } from 'react';
import { Button } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import type { Show } from '../../lib/types.ts';

/** The API's bounds (domain/blocked-words.ts), checked here so Save says why it is off. */
const MAX_WORDS = 200;
const MAX_LENGTH = 40;

const parse = (draft: string) =>
  draft
    .split(/[\n,]/)
    .map((w) => w.trim())
    .filter((w) => w !== '');

function problemOf(words: readonly string[]): string | undefined {
  if (words.length > MAX_WORDS) return `At most ${MAX_WORDS} words (${words.length} now).`;
  const long = words.find((w) => w.length > MAX_LENGTH);
  return long ? `“${long.slice(0, 12)}…” is over ${MAX_LENGTH} characters.` : undefined;
}

/**
 * The show's own blocked words, one per line (or comma-separated). Mount it with the saved list
 * as its key: a save comes back folded (lower case, duplicates dropped) and resets the draft.
 */
export function BlockedWordsField({
  show,
  busy,
  run,
}: {
  show: Show;
  busy: string | undefined;
  run: (key: string, f: () => Promise<unknown>) => Promise<boolean>;
}) {
  const id = useId();
  const saved = show.blockedWords.join('\n');
  const [draft, setDraft] = useState(saved);
  const words = parse(draft);
  const problem = problemOf(words);
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        Blocked words
      </label>
      <textarea
        id={id}
        className="input"
        rows={3}
        value={draft}
        placeholder={'scam\ndm me'}
        aria-describedby={`${id}-hint`}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        data-testid="blocked-words"
      />
      <p className="field__hint" id={`${id}-hint`}>
        {problem ??
          'One word or phrase per line. Chat lines holding one are masked, disguised spellings too (“5c4m”, “s c a m”).'}
      </p>
      <Button
        size="small"
        variant="secondary"
        loading={busy === 'blocked'}
        disabled={show.status === 'ended' || problem !== undefined || words.join('\n') === saved}
        onClick={() => void run('blocked', () => api.updateShow(show.id, { blockedWords: words }))}
        data-testid="blocked-words-save"
      >
        Save blocked words
      </Button>
    </div>
  );
}
