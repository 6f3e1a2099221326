import { type ReactNode, useEffect, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { CheckIcon } from '../../components/Icons.tsx';
import { StockBar } from '../../components/StockBar.tsx';
import { Button, ProblemNotice } from '../../components/ui.tsx';
import { ApiError, api, isRetriable, sleep, uuid } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { rememberItems, useHolds } from '../../lib/holds.tsx';
import type { Friendly } from '../../lib/problems.ts';
import { navigate } from '../../lib/router.tsx';
import type { FeaturedItem, ShowStatus } from '../../lib/types.ts';
import { type Gate, roomProblem } from './room.tsx';
import './cards.css';

// The featured product: one tap buys one unit through the claim engine (the show's own sale).

export function FeaturedCard({
  featured,
  status,
  gate,
}: {
  featured: FeaturedItem;
  status: ShowStatus;
  gate: Gate;
}) {
  const { holds, add } = useHolds();
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const f = featured;

  // Hold cards, the bag and the checkout name the item by its SKU.
  useEffect(() => {
    rememberItems([{ ...f, active: true }]);
  }, [f]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new product clears the last refusal
  useEffect(() => setProblem(undefined), [f.sku]);

  const held = holds.filter((h) => h.saleId === f.saleId && h.sku === f.sku);
  const heldQty = held.reduce((n, h) => n + h.quantity, 0);
  const soonest = held.map((h) => h.expiresAt).sort()[0];
  const soldOut = f.remaining <= 0;
  const limitLeft = f.perBuyerLimit - heldQty;

  const claim = async () => {
    setBusy(true);
    setProblem(undefined);
    // One key per tap, reused on retries of that tap: a retry never buys twice.
    const idempotencyKey = uuid();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const { reservation } = await api.claim(f.saleId, { sku: f.sku, quantity: 1, idempotencyKey });
          add(reservation);
          return;
        } catch (e) {
          if (isRetriable(e) && attempt < 3) {
            setRetrying(true);
            await sleep(300 * 2 ** attempt + Math.random() * 200);
            continue;
          }
          if (e instanceof ApiError && (e.code === 'unauthenticated' || e.code === 'invalid_token')) {
            gate('Sign in to buy', () => void claim());
            return;
          }
          setProblem(roomProblem(e));
          return;
        }
      }
    } finally {
      setBusy(false);
      setRetrying(false);
    }
  };
  const buy = () => gate('Sign in to buy', () => void claim());

  let action: ReactNode;
  if (heldQty > 0) {
    // Held units stay the buyer's until their timer ends, even after the show.
    action = (
      <div className="featured-card__held" data-testid="room-hold">
        <p className="featured-card__secured">
          <CheckIcon size={16} /> Secured! Held for{' '}
          {soonest ? <Countdown to={soonest} format="clock" testId="room-hold-timer" /> : null}
        </p>
        <div className="featured-card__held-actions">
          <Button onClick={() => navigate('/checkout')} data-testid="room-checkout">
            Checkout
          </Button>
          {status === 'live' && limitLeft > 0 && !soldOut ? (
            <Button variant="ghost" size="small" loading={busy} onClick={buy} data-testid="buy-another">
              + 1 more
            </Button>
          ) : null}
        </div>
      </div>
    );
  } else if (status === 'ended') {
    action = (
      <Button block disabled data-testid="buy-button" data-state="ended">
        Show ended
      </Button>
    );
  } else if (status === 'scheduled') {
    action = (
      <Button block disabled data-testid="buy-button" data-state="locked">
        Opens when live
      </Button>
    );
  } else if (soldOut) {
    action = (
      <Button block disabled data-testid="buy-button" data-state="sold_out">
        Sold out
      </Button>
    );
  } else {
    action = (
      <Button
        block
        className="btn--claim"
        loading={busy}
        onClick={buy}
        data-testid="buy-button"
        data-state="open"
      >
        {retrying ? (
          'Reconnecting…'
        ) : busy ? (
          'Buying…'
        ) : (
          <>
            Buy now<span className="featured-card__btn-price"> · {money(f.priceCents, f.currency)}</span>
          </>
        )}
      </Button>
    );
  }

  return (
    <article
      className="room-card featured-card"
      data-testid="featured"
      data-sku={f.sku}
      aria-labelledby="featured-title"
    >
      <div className="featured-card__main">
        {f.imageUrl ? (
          <img className="featured-card__img" src={f.imageUrl} alt="" width={64} height={64} />
        ) : null}
        <div className="featured-card__text">
          <p className="room-card__eyebrow">Featured</p>
          <h2 className="featured-card__title" id="featured-title">
            {f.title}
          </h2>
          <p className="featured-card__price" data-testid="featured-price">
            {money(f.priceCents, f.currency)}
            <span className="muted small"> · limit {f.perBuyerLimit}</span>
          </p>
        </div>
      </div>
      <StockBar remaining={f.remaining} stock={f.stock} compact testId="featured-stock" />
      <div aria-live="polite" className="room-card__message">
        {problem ? <ProblemNotice problem={problem} testId="buy-problem" /> : null}
      </div>
      {action}
    </article>
  );
}
