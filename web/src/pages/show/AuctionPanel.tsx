import { Countdown } from '../../components/Countdown.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { money, plural } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import type { Auction } from '../../lib/types.ts';
import { GavelIcon } from './icons.tsx';
import type { Gate, Room } from './room.tsx';
import { bidIn, useAuctionBids } from './useAuctionBids.ts';
import './cards.css';

const RESULT: Record<string, string> = {
  no_bids: 'No bids: not sold',
  reserve_not_met: 'The reserve was not met: not sold',
  cancelled: 'Cancelled',
  unpaid: 'Not sold: the winner did not pay',
};

export function AuctionPanel({
  auction: a,
  me,
  room,
  gate,
}: {
  auction: Auction;
  me: string | undefined;
  room: Room;
  gate: Gate;
}) {
  const { busy, problem, extended, running, closing, next, leading, outbid, leaderName, won, price, bid } =
    useAuctionBids({ auction: a, me, room, gate });

  const state = won ? 'won' : leading ? 'winning' : outbid ? 'outbid' : 'none';
  return (
    <section
      className={`room-card auction-card is-${state}${running ? ' is-running' : ''}`}
      aria-labelledby="auction-title"
      data-testid="auction"
      data-status={closing ? 'closing' : a.status}
      data-state={state}
    >
      <div className="auction-card__head">
        <p className="room-card__eyebrow">
          <GavelIcon /> {running ? 'Live auction' : 'Auction'}
          {a.suddenDeath && running ? <span className="badge badge--danger">Sudden death</span> : null}
        </p>
        {running ? (
          <span className="auction-card__timer">
            {extended ? (
              <span className="auction-card__extended" role="status" data-testid="auction-extended">
                +{extended}s
              </span>
            ) : null}
            {closing ? (
              <span data-testid="auction-timer">Closing…</span>
            ) : (
              <Countdown to={a.endsAt} testId="auction-timer" label="Time left in the auction" />
            )}
          </span>
        ) : null}
      </div>
      <h2 className="auction-card__title" id="auction-title">
        {a.title}
      </h2>
      <div className="auction-card__price-row">
        <p className="auction-card__price" data-testid="auction-price" data-cents={price} aria-live="polite">
          {money(price, a.currency)}
        </p>
        <p className="auction-card__meta">
          <span data-testid="auction-bids">{plural(a.bidCount, 'bid')}</span>
          {leaderName && running ? (
            <>
              {' · '}
              <span data-testid="auction-leader" data-leader={a.highBidderId ?? ''}>
                leading: <strong>{leaderName}</strong>
              </span>
            </>
          ) : running ? (
            <span> · opening bid</span>
          ) : null}
        </p>
      </div>
      {a.reserve.set ? (
        <p className={`auction-card__reserve${a.reserve.met ? ' is-met' : ''}`}>
          {a.reserve.met ? 'Reserve met' : 'Reserve not met yet'}
        </p>
      ) : null}

      {running ? (
        <>
          <p className="auction-card__you" role="status" data-testid="auction-you">
            {leading ? "You're winning!" : outbid ? "You've been outbid" : ''}
          </p>
          <div aria-live="polite" className="room-card__message">
            {problem ? <ProblemNotice problem={problem} testId="bid-problem" /> : null}
          </div>
          <div className="auction-card__actions">
            <Button
              block
              className="btn--claim"
              loading={busy === next}
              disabled={busy !== undefined || closing || leading}
              onClick={() => bid(next)}
              data-testid="bid-button"
              data-amount={next}
            >
              {leading ? 'Highest bid' : `Bid ${money(next, a.currency)}`}
            </Button>
            {!leading ? (
              <Button
                variant="secondary"
                loading={busy === next + 2 * a.incrementCents}
                disabled={busy !== undefined || closing}
                onClick={() => bid(next + 2 * a.incrementCents)}
                data-testid="bid-jump"
                aria-label={`Bid ${money(next + 2 * a.incrementCents, a.currency)}`}
              >
                {money(next + 2 * a.incrementCents, a.currency)}
              </Button>
            ) : null}
          </div>
          <p className="auction-card__fine">
            {a.suddenDeath
              ? 'Sudden death: the auction ends on time, whatever the bids.'
              : 'A bid in the last seconds adds time: no sniping.'}
          </p>
        </>
      ) : won ? (
        <div className="auction-card__won" data-testid="auction-won" role="status">
          <p className="auction-card__result">
            <strong>You won!</strong> {money(a.highCents ?? 0, a.currency)}
          </p>
          {a.orderId ? (
            <Link
              to={`/orders/${a.orderId}`}
              className="btn btn--primary btn--block"
              data-testid="auction-pay"
            >
              Pay now
            </Link>
          ) : null}
        </div>
      ) : (
        <p className="auction-card__result" data-testid="auction-result" role="status">
          {a.status === 'sold'
            ? `Sold to ${room.nameOf(a.winnerId) ?? 'a bidder'} for ${money(a.highCents ?? 0, a.currency)}`
            : (RESULT[a.status] ?? 'Ended')}
          {bidIn.has(a.id) && a.status === 'sold' ? ' · not this time' : ''}
        </p>
      )}
    </section>
  );
}
