import { useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { PauseIcon, PlayIcon, RepeatIcon } from '../../components/Icons.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { dateTime, partySchedule, plural } from '../../lib/format.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { Link } from '../../lib/router.tsx';
import type { Party, PartyState } from '../../lib/types.ts';
import { ConfirmEnd } from './ConfirmEnd.tsx';
import './HostParties.css';

const STATE_TEXT: Record<PartyState, string> = { active: 'Active', paused: 'Paused', ended: 'Ended' };
const STATE_PILL: Record<PartyState, string> = { active: 'scheduled', paused: 'paused', ended: 'ended' };

export function PartyPill({ state }: { state: PartyState }) {
  return (
    <span className={`pill pill--${STATE_PILL[state]}`} data-testid="party-state" data-state={state}>
      {STATE_TEXT[state]}
    </span>
  );
}

/** A party in the host's list: its rule, next start, current or next sale; pause, resume, end. */
export function PartyRow({
  party,
  now,
  onChange,
  highlight,
}: {
  party: Party;
  /** Server time, from the list's ticker. */
  now: number;
  onChange: (p: Party) => void;
  highlight: boolean;
}) {
  const [busy, setBusy] = useState<'pause' | 'resume' | 'end'>();
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const next = party.nextOccurrences.find((t) => Date.parse(t) > now);
  const sale = party.sales.find((s) => Date.parse(s.endsAt) > now);
  const on = sale !== undefined && Date.parse(sale.startsAt) <= now;

  const pauseOrResume = party.state === 'active' ? 'pause' : 'resume';
  const act = async (kind: 'pause' | 'resume' | 'end') => {
    setBusy(kind);
    setProblem(undefined);
    try {
      onChange(
        kind === 'end'
          ? await api.endParty(party.id)
          : await api.setPartyState(party.id, kind === 'pause' ? 'paused' : 'active'),
      );
      setConfirmEnd(false);
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <li
      className={`card party-row${highlight ? ' is-new' : ''}`}
      data-testid="host-party-row"
      data-party-id={party.id}
      data-state={party.state}
    >
      <div className="party-row__main">
        <p className="host-row__title">{party.title}</p>
        <p className="party-row__schedule" data-testid="party-schedule">
          <RepeatIcon size={15} /> {partySchedule(party.recurrence)}
        </p>
        <p className="small" data-testid="party-next">
          {party.state === 'active' && next ? (
            <>
              Next: {dateTime(next)} · in <Countdown to={next} testId="party-next-countdown" />
            </>
          ) : party.state === 'paused' ? (
            'Paused: no new sales are created until you resume it.'
          ) : party.state === 'ended' ? (
            'Ended: it creates no more sales.'
          ) : (
            'No start to come.'
          )}
        </p>
        <p className="muted small">
          {plural(party.items.length, 'item')} · {party.durationMinutes} min each · holds{' '}
          {plural(Math.round(party.holdSeconds / 60), 'minute')}
        </p>
        {sale ? (
          <p className="small">
            <Link to={`/host/sales/${sale.id}`} data-testid="party-sale-link">
              {on ? 'On now' : 'Next sale'}: {dateTime(sale.startsAt)} →
            </Link>
          </p>
        ) : null}
      </div>
      <div className="party-row__side">
        <PartyPill state={party.state} />
        {party.state !== 'ended' ? (
          <div className="party-row__actions">
            <Button
              variant="secondary"
              size="small"
              loading={busy === pauseOrResume}
              onClick={() => void act(pauseOrResume)}
              data-testid={`party-${pauseOrResume}`}
            >
              {pauseOrResume === 'pause' ? <PauseIcon size={14} /> : <PlayIcon size={14} />}{' '}
              {pauseOrResume === 'pause' ? 'Pause' : 'Resume'}
            </Button>
            {confirmEnd ? (
              <ConfirmEnd
                busy={busy === 'end'}
                onEnd={() => void act('end')}
                onKeep={() => setConfirmEnd(false)}
                testId="party-end-confirm"
                keep="Keep it"
              />
            ) : (
              <Button
                variant="ghost"
                size="small"
                onClick={() => setConfirmEnd(true)}
                data-testid="party-end"
              >
                End
              </Button>
            )}
          </div>
        ) : null}
      </div>
      {problem ? (
        <div className="party-row__problem">
          <ProblemNotice problem={problem} testId="party-problem" />
        </div>
      ) : null}
    </li>
  );
}
