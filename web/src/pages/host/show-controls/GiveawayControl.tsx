import { type FormEvent, useState } from 'react';
import { Countdown } from '../../../components/Countdown.tsx';
import { Button, ProblemNotice, TextField } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import { plural } from '../../../lib/format.ts';
import { useReachedAt } from '../../../lib/ticker.ts';
import type { Giveaway } from '../../../lib/types.ts';
import { wholeNumber } from '../VariantPicker.tsx';
import {
  Panel,
  type SellingProps,
  SkuSelect,
  StartButton,
  stateBadge,
  useAction,
  useSkuChoice,
} from './Panel.tsx';

// Giveaways: open the entries for a while, draw a winner (a free order for them).

export function GiveawayControl({
  show,
  giveaway,
  products,
  room,
}: SellingProps & { giveaway: Giveaway | null | undefined }) {
  const choice = useSkuChoice(products);
  const { busy, problem, run, refuse } = useAction();
  const [duration, setDuration] = useState('60');
  const open = giveaway?.status === 'open';
  const entriesClosed = useReachedAt(giveaway ? Date.parse(giveaway.closesAt) : undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const d = wholeNumber(duration);
    if (!choice.chosen || !(d >= 5 && d <= 3600)) {
      refuse('Check the giveaway', 'Entries stay open 5 to 3,600 s.');
      return;
    }
    void run('open', () => api.openGiveaway(show.id, { sku: choice.chosen, durationSeconds: d }));
  };
  return (
    <Panel title="Giveaway" testId="control-giveaway" aside={open ? stateBadge('warning', 'Open') : null}>
      {giveaway ? (
        <div className="control__giveaway" data-testid="host-giveaway" data-status={giveaway.status}>
          <p className="control__featured-title">{giveaway.title}</p>
          <p className="small">
            {plural(giveaway.entrants, 'entry', 'entries')}
            {open && !entriesClosed ? (
              <>
                {' '}
                · closes in <Countdown to={giveaway.closesAt} />
              </>
            ) : null}
            {giveaway.status === 'drawn' ? (
              <>
                {' '}
                · won by{' '}
                <strong data-testid="giveaway-winner-name">
                  {room.nameOf(giveaway.winnerId) ?? 'a viewer'}
                </strong>
              </>
            ) : null}
            {giveaway.status === 'no_entries' ? ' · nobody entered' : null}
          </p>
          {open ? (
            <Button
              size="small"
              loading={busy === 'draw'}
              onClick={() => void run('draw', () => api.drawGiveaway(giveaway.id))}
              data-testid="giveaway-draw"
            >
              {entriesClosed ? 'Draw the winner' : 'Close entries and draw'}
            </Button>
          ) : null}
        </div>
      ) : null}
      {!open ? (
        <form className="control__form" onSubmit={submit} noValidate data-testid="giveaway-form">
          <div className="control__grid">
            <SkuSelect label="Prize" choice={choice} testId="giveaway-sku" />
            <TextField
              label="Entries open for (s)"
              inputMode="numeric"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
              data-testid="giveaway-duration"
            />
          </div>
          <StartButton busy={busy === 'open'} disabled={show.status === 'ended'} testId="giveaway-submit">
            Start a giveaway
          </StartButton>
        </form>
      ) : null}
      {problem ? <ProblemNotice problem={problem} /> : null}
    </Panel>
  );
}
