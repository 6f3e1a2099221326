import { type FormEvent, useEffect, useState } from 'react';
import { Countdown } from '../../../components/Countdown.tsx';
import { ProblemNotice } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import { money, plural } from '../../../lib/format.ts';
import { useReachedAt } from '../../../lib/ticker.ts';
import type { Auction, AuctionBid } from '../../../lib/types.ts';
import type { Room } from '../../show/room.tsx';
import { CheckField, type ShortField, ShortFields, toCents, useTextFields } from '../form-parts.tsx';
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

// Auctions: start one for a SKU; follow the running one (price, leader, bids, the clock).

function RunningAuction({ a, room }: { a: Auction; room: Room }) {
  const [bids, setBids] = useState<AuctionBid[]>([]);
  const closing = useReachedAt(Date.parse(a.endsAt));
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new bid or the end reloads the list
  useEffect(() => {
    let live = true;
    api.auctionBids(a.id).then(
      (b) => {
        if (!live) return;
        for (const x of b) room.learn(x.bidderId, x.bidderName);
        setBids(b.slice(0, 5));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [a.id, a.bidCount, a.status, room]);
  const leader = bids[0]?.bidderName ?? room.nameOf(a.highBidderId);
  return (
    <div className="control__auction" data-testid="host-auction" data-status={a.status}>
      <div className="row between">
        <p className="control__featured-title">{a.title}</p>
        {a.status === 'running' ? (
          closing ? (
            <span className="badge badge--warning">Closing…</span>
          ) : (
            <Countdown to={a.endsAt} testId="host-auction-timer" className="control__timer" />
          )
        ) : (
          <span className="badge">{a.status.replaceAll('_', ' ')}</span>
        )}
      </div>
      <p className="control__price" data-testid="host-auction-price">
        {money(a.highCents ?? a.startCents, a.currency)}
        <span className="muted small">
          {' '}
          · {plural(a.bidCount, 'bid')}
          {leader ? ` · ${a.status === 'sold' ? 'won by' : 'leading'} ${leader}` : ''}
          {a.reserve.set ? (a.reserve.met ? ' · reserve met' : ' · reserve not met') : ''}
        </span>
      </p>
      {bids.length > 0 ? (
        <ol className="control__bids">
          {bids.map((b) => (
            <li key={b.id}>
              <span>{b.bidderName}</span>
              <span className="mono">{money(b.amountCents, a.currency)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

type AuctionField = 'start' | 'inc' | 'duration' | 'reserve' | 'extend';
const AUCTION_FIELDS: readonly ShortField<AuctionField>[] = [
  { name: 'start', label: 'Opening bid', inputMode: 'decimal', testId: 'auction-start' },
  { name: 'inc', label: 'Increment', inputMode: 'decimal', testId: 'auction-increment' },
  { name: 'duration', label: 'Duration (s)', testId: 'auction-duration' },
  {
    name: 'reserve',
    label: 'Reserve (optional)',
    inputMode: 'decimal',
    hint: 'Below it, nothing is sold.',
    testId: 'auction-reserve',
  },
  {
    name: 'extend',
    label: 'Extend window (s)',
    placeholder: '10',
    hint: 'A late bid adds this much.',
    testId: 'auction-extend',
  },
];

/** The auction a form asks for, or undefined when a field does not add up. */
function auctionOf(v: Record<AuctionField, string>, sku: string, suddenDeath: boolean) {
  const startCents = toCents(v.start);
  const incrementCents = toCents(v.inc);
  const durationSeconds = wholeNumber(v.duration);
  const reserveCents = v.reserve.trim() ? toCents(v.reserve) : undefined;
  const extendWindowSeconds = v.extend.trim() ? wholeNumber(v.extend) : undefined;
  if (
    !sku ||
    !(startCents >= 1) ||
    !(incrementCents >= 1) ||
    !(durationSeconds >= 5 && durationSeconds <= 3600) ||
    (reserveCents !== undefined && !(reserveCents >= 1)) ||
    (extendWindowSeconds !== undefined && !(extendWindowSeconds >= 1 && extendWindowSeconds <= 120))
  )
    return undefined;
  return {
    sku,
    startCents,
    incrementCents,
    durationSeconds,
    suddenDeath,
    ...(reserveCents !== undefined ? { reserveCents } : {}),
    ...(extendWindowSeconds !== undefined ? { extendWindowSeconds } : {}),
  };
}

export function AuctionControl({
  show,
  auction,
  products,
  room,
}: SellingProps & { auction: Auction | null | undefined }) {
  const choice = useSkuChoice(products, show.featured?.sku);
  const { busy, problem, run, refuse } = useAction();
  const text = useTextFields<AuctionField>({
    start: '10',
    inc: '1',
    duration: '60',
    reserve: '',
    extend: '',
  });
  const [sudden, setSudden] = useState(false);
  const running = auction?.status === 'running';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = auctionOf(text.values, choice.chosen, sudden);
    if (!body) {
      refuse(
        'Check the auction',
        'Prices like 10 or 9.50; a duration of 5 to 3,600 s; an extension window of 1 to 120 s.',
      );
      return;
    }
    void run('start', () => api.startAuction(show.id, body));
  };

  return (
    <Panel title="Auction" testId="control-auction" aside={running ? stateBadge('hot', 'Running') : null}>
      {auction ? <RunningAuction a={auction} room={room} /> : null}
      {!running ? (
        <form className="control__form" onSubmit={submit} noValidate data-testid="auction-form">
          <SkuSelect label="Item" choice={choice} testId="auction-sku" withSku />
          <div className="control__grid">
            <ShortFields
              fields={AUCTION_FIELDS}
              bind={text.bind}
              disabled={(k) => k === 'extend' && sudden}
            />
            <CheckField
              className="check control__check"
              checked={sudden}
              onChange={setSudden}
              testId="auction-sudden"
            >
              Sudden death (no extensions)
            </CheckField>
          </div>
          {problem ? <ProblemNotice problem={problem} testId="auction-problem" /> : null}
          <StartButton busy={busy === 'start'} disabled={show.status !== 'live'} testId="auction-submit">
            {show.status === 'live' ? 'Start the auction' : 'Go live to run auctions'}
          </StartButton>
        </form>
      ) : null}
    </Panel>
  );
}
