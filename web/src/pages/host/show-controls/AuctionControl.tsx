import { type FormEvent, useEffect, useState } from 'react';
import { Countdown } from '../../../components/Countdown.tsx';
import { Button, ProblemNotice, SelectField, TextField } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import { money, plural } from '../../../lib/format.ts';
import { useReachedAt } from '../../../lib/ticker.ts';
import type { Auction, AuctionBid, Product, Show } from '../../../lib/types.ts';
import type { Room } from '../../show/room.tsx';
import { toCents } from '../form-parts.tsx';
import { wholeNumber } from '../VariantPicker.tsx';
import { Panel, useAction, variantsOf } from './Panel.tsx';

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

export function AuctionControl({
  show,
  auction,
  products,
  room,
}: {
  show: Show;
  auction: Auction | null | undefined;
  products: Product[] | undefined;
  room: Room;
}) {
  const variants = variantsOf(products);
  const { busy, problem, run, setProblem } = useAction();
  const [sku, setSku] = useState('');
  const [start, setStart] = useState('10');
  const [inc, setInc] = useState('1');
  const [duration, setDuration] = useState('60');
  const [sudden, setSudden] = useState(false);
  const [reserve, setReserve] = useState('');
  const [extend, setExtend] = useState('');
  const chosen = sku || show.featured?.sku || variants[0]?.sku || '';
  const running = auction?.status === 'running';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const startCents = toCents(start);
    const incrementCents = toCents(inc);
    const durationSeconds = wholeNumber(duration);
    const reserveCents = reserve.trim() ? toCents(reserve) : undefined;
    const extendWindowSeconds = extend.trim() ? wholeNumber(extend) : undefined;
    if (
      !chosen ||
      !(startCents >= 1) ||
      !(incrementCents >= 1) ||
      !(durationSeconds >= 5 && durationSeconds <= 3600) ||
      (reserveCents !== undefined && !(reserveCents >= 1)) ||
      (extendWindowSeconds !== undefined && !(extendWindowSeconds >= 1 && extendWindowSeconds <= 120))
    ) {
      setProblem({
        code: 'validation_failed',
        title: 'Check the auction',
        detail: 'Prices like 10 or 9.50; a duration of 5 to 3,600 s; an extension window of 1 to 120 s.',
      });
      return;
    }
    void run('start', () =>
      api.startAuction(show.id, {
        sku: chosen,
        startCents,
        incrementCents,
        durationSeconds,
        suddenDeath: sudden,
        ...(reserveCents !== undefined ? { reserveCents } : {}),
        ...(extendWindowSeconds !== undefined ? { extendWindowSeconds } : {}),
      }),
    );
  };

  return (
    <Panel
      title="Auction"
      testId="control-auction"
      className="control--auction"
      aside={running ? <span className="badge badge--hot">Running</span> : null}
    >
      {auction ? <RunningAuction a={auction} room={room} /> : null}
      {!running ? (
        <form className="control__form" onSubmit={submit} noValidate data-testid="auction-form">
          <SelectField
            label="Item"
            value={chosen}
            onChange={(e) => setSku(e.target.value)}
            data-testid="auction-sku"
          >
            {variants.map((v) => (
              <option key={v.sku} value={v.sku}>
                {v.product} · {v.title} ({v.sku})
              </option>
            ))}
          </SelectField>
          <div className="control__grid">
            <TextField
              label="Opening bid"
              inputMode="decimal"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              data-testid="auction-start"
            />
            <TextField
              label="Increment"
              inputMode="decimal"
              value={inc}
              onChange={(e) => setInc(e.target.value)}
              data-testid="auction-increment"
            />
            <TextField
              label="Duration (s)"
              inputMode="numeric"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
              data-testid="auction-duration"
            />
            <TextField
              label="Reserve (optional)"
              inputMode="decimal"
              value={reserve}
              onChange={(e) => setReserve(e.target.value)}
              hint="Below it, nothing is sold."
              data-testid="auction-reserve"
            />
            <TextField
              label="Extend window (s)"
              inputMode="numeric"
              value={extend}
              placeholder="10"
              disabled={sudden}
              onChange={(e) => setExtend(e.target.value)}
              hint="A late bid adds this much."
              data-testid="auction-extend"
            />
            <label className="check control__check">
              <input
                type="checkbox"
                checked={sudden}
                onChange={(e) => setSudden(e.target.checked)}
                data-testid="auction-sudden"
              />
              Sudden death (no extensions)
            </label>
          </div>
          {problem ? <ProblemNotice problem={problem} testId="auction-problem" /> : null}
          <Button
            type="submit"
            loading={busy === 'start'}
            disabled={show.status !== 'live'}
            data-testid="auction-submit"
          >
            {show.status === 'live' ? 'Start the auction' : 'Go live to run auctions'}
          </Button>
        </form>
      ) : null}
    </Panel>
  );
}
