import { type FormEvent, useRef, useState } from 'react';
import { AuthPanel } from '../components/AuthPanel.tsx';
import { ChallengeModal } from '../components/ChallengeModal.tsx';
import { Countdown } from '../components/Countdown.tsx';
import { BagIcon, LockIcon } from '../components/Icons.tsx';
import { usePayForm } from '../components/PayForm.tsx';
import { PaymentSection } from '../components/PaymentSection.tsx';
import { ShippingSection } from '../components/ShippingSection.tsx';
import { Button, EmptyState, Notice, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { ApiError, api, type CheckoutPayment } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { money } from '../lib/format.ts';
import { itemImage, itemTitle, rememberItems, useHolds } from '../lib/holds.tsx';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import { Link, navigate } from '../lib/router.tsx';
import type { Order, Reservation, SavedPaymentMethod } from '../lib/types.ts';
import './checkout.css';

interface Line {
  readonly reservation: Reservation;
  readonly title: string;
  readonly imageUrl: string | null;
}

async function loadBag(signal: AbortSignal): Promise<Line[]> {
  const held = await api.reservations('held');
  const saleIds = [...new Set(held.map((r) => r.saleId))];
  // A sale that cannot be read only leaves its lines without a title and picture.
  const sales = await Promise.all(saleIds.map((id) => api.sale(id, signal).catch(() => undefined)));
  for (const s of sales) if (s) rememberItems(s.items);
  return held.map((r) => ({ reservation: r, title: itemTitle(r.sku), imageUrl: itemImage(r.sku) }));
}

/** The buyer's holds, totals, payment (card, wallet, pay later, saved) and shipping. */
export default function CheckoutPage() {
  useTitle('Checkout');
  const s = useSession();
  const user = s?.user;
  const { refresh, release } = useHolds();
  const bag = useLoad(async (signal) => (s ? loadBag(signal) : []), [s?.token]);
  const saved = useLoad<SavedPaymentMethod[]>(
    // Not read: no saved methods offered; the buyer pays with a card or a wallet instead.
    async () => (s && !s.user.guest ? api.paymentMethods().catch(() => []) : []),
    [s?.token],
  );
  const [expired, setExpired] = useState<Set<string>>(new Set());
  const [paying, setPaying] = useState<string>();
  const [problem, setProblem] = useState<Friendly>();
  const [challenge, setChallenge] = useState<Order>();
  const formRef = useRef<HTMLFormElement>(null);
  const form = usePayForm(user, formRef);

  const lines = (bag.data ?? []).filter((l) => !expired.has(l.reservation.id));
  const currency = lines[0]?.reservation.currency ?? 'USD';
  const total = lines.reduce((n, l) => n + (l.reservation.priceCents ?? 0) * l.reservation.quantity, 0);
  const mixed = new Set(lines.map((l) => l.reservation.currency)).size > 1;

  if (!s) {
    return (
      <div className="page narrow">
        <h1 className="page__title">Checkout</h1>
        <p className="lede">Sign in or continue as a guest to see your bag.</p>
        <div className="card pad">
          <AuthPanel />
        </div>
      </div>
    );
  }

  const done = (order: Order) => {
    void refresh().catch(() => {}); // the holds badge only; the next page load reads it again
    navigate(`/orders/${order.id}?placed=1`);
  };

  const pay = async (payment: CheckoutPayment, key: string) => {
    setProblem(undefined);
    if (!form.validate(!('savedMethodId' in payment))) return;
    setPaying(key);
    form.remember();
    try {
      const order = await api.checkout({
        reservationIds: lines.map((l) => l.reservation.id),
        payment,
        shipping: form.shipping(),
      });
      if (order.state === 'pending_payment' && order.payment?.nextAction) setChallenge(order);
      else done(order);
    } catch (e) {
      setProblem(friendlyError(e));
      form.serverErrors(e);
      if (e instanceof ApiError && (e.code === 'payment_declined' || e.code === 'reservation_unavailable')) {
        bag.reload();
        void refresh().catch(() => {}); // the holds badge only; the bag just reloaded shows the truth
      }
    } finally {
      setPaying(undefined);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void pay(form.payment(), 'form');
  };

  return (
    <div className="page checkout" data-testid="checkout-page">
      <h1 className="page__title">Checkout</h1>

      {bag.loading && !bag.data ? (
        <Skeleton lines={4} />
      ) : lines.length === 0 ? (
        <EmptyState title="Nothing on hold" art={<BagIcon size={40} />}>
          {problem ? <ProblemNotice problem={problem} testId="checkout-problem" /> : null}
          <p>Claim something from a live drop and it will wait here for you.</p>
          <Link to="/" className="btn btn--primary">
            See live drops
          </Link>
        </EmptyState>
      ) : (
        <div className="checkout__layout">
          <section className="checkout__summary card pad" aria-labelledby="bag-heading">
            <h2 id="bag-heading" className="h3">
              Your bag
            </h2>
            <ul className="lines">
              {lines.map(({ reservation: r, title, imageUrl }) => (
                <li key={r.id} className="line" data-testid="checkout-line">
                  {imageUrl ? (
                    <img src={imageUrl} alt="" className="line__img" width={64} height={64} />
                  ) : null}
                  <div className="line__text">
                    <p className="line__title">{title}</p>
                    <p className="line__meta">
                      {r.sku} · qty {r.quantity}
                    </p>
                    <p className="line__timer">
                      Held for{' '}
                      <Countdown
                        to={r.expiresAt}
                        format="clock"
                        testId="line-timer"
                        onDone={() => setExpired((s0) => new Set(s0).add(r.id))}
                      />
                    </p>
                  </div>
                  <div className="line__right">
                    <p className="line__price">{money((r.priceCents ?? 0) * r.quantity, r.currency)}</p>
                    <button
                      type="button"
                      className="linkish"
                      onClick={() =>
                        void release(r.id)
                          .catch(() => {}) // not released: the reloaded bag still lists it
                          .finally(bag.reload)
                      }
                    >
                      Remove
                    </button>
                  </div>
                </li>
              ))}
            </ul>
            <dl className="totals">
              <div>
                <dt>Subtotal</dt>
                <dd>{money(total, currency)}</dd>
              </div>
              <div>
                <dt>Shipping</dt>
                <dd>Free</dd>
              </div>
              <div className="totals__grand">
                <dt>Total</dt>
                <dd data-testid="checkout-total">{money(total, currency)}</dd>
              </div>
            </dl>
            {mixed ? (
              <Notice tone="warning" title="One currency per order">
                Remove the items in another currency to check out the rest.
              </Notice>
            ) : null}
          </section>

          <form
            ref={formRef}
            className="checkout__form"
            onSubmit={submit}
            noValidate
            aria-label="Payment and shipping"
          >
            {saved.data && saved.data.length > 0 ? (
              <section className="card pad" aria-labelledby="express-heading">
                <h2 id="express-heading" className="h3">
                  Express checkout
                </h2>
                <div className="stack">
                  {saved.data.map((m) => (
                    <Button
                      key={m.id}
                      variant="secondary"
                      block
                      loading={paying === m.id}
                      disabled={!!paying}
                      onClick={() => void pay({ savedMethodId: m.id }, m.id)}
                      data-testid="express-pay"
                    >
                      Pay {money(total, currency)} with {m.label}
                    </Button>
                  ))}
                </div>
                <p className="muted small">Uses the shipping address below.</p>
              </section>
            ) : null}

            <ShippingSection form={form} />
            <PaymentSection form={form} total={total} currency={currency} />

            <div aria-live="polite">
              {problem ? <ProblemNotice problem={problem} testId="checkout-problem" /> : null}
            </div>

            <Button
              type="submit"
              size="large"
              block
              loading={paying === 'form'}
              disabled={!!paying || mixed}
              data-testid="pay-button"
            >
              <LockIcon size={18} /> Pay {money(total, currency)}
            </Button>
            <p className="muted small center">
              Your holds stay yours while you pay. Sandbox: no real payment is taken.
            </p>
          </form>
        </div>
      )}

      {challenge ? (
        <ChallengeModal
          order={challenge}
          onPaid={done}
          onFailed={(f) => {
            setChallenge(undefined);
            setProblem(f);
            bag.reload();
            void refresh().catch(() => {}); // the holds badge only; the bag just reloaded shows the truth
          }}
        />
      ) : null}
    </div>
  );
}
