import { type FormEvent, useRef, useState } from 'react';
import { CheckIcon, LockIcon } from '../components/Icons.tsx';
import { ChallengeModal, PaymentSection, ShippingSection, usePayForm } from '../components/PayForm.tsx';
import { Button, EmptyState, Notice, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { ApiError, api } from '../lib/api.ts';
import { useUser } from '../lib/auth.ts';
import { dateTime, money, orderRef, shortDate } from '../lib/format.ts';
import { itemImage, useLiveOrder } from '../lib/holds.tsx';
import { useTitle } from '../lib/hooks.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import { Link, type PageProps, useLocation } from '../lib/router.tsx';
import type { Order, OrderState } from '../lib/types.ts';

const STEPS: Array<[OrderState, string]> = [
  ['pending_payment', 'Payment'],
  ['paid', 'Paid'],
  ['packed', 'Packed'],
  ['shipped', 'Shipped'],
  ['delivered', 'Delivered'],
];

export const ORDER_STATE_LABEL: Record<OrderState, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  packed: 'Packed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

export function OrderStateBadge({ state }: { state: OrderState }) {
  const tone =
    state === 'payment_failed' || state === 'cancelled'
      ? 'danger'
      : state === 'pending_payment'
        ? 'warning'
        : state === 'refunded'
          ? 'muted'
          : 'success';
  return (
    <span className={`badge badge--${tone}`} data-testid="order-state" data-state={state}>
      {ORDER_STATE_LABEL[state]}
    </span>
  );
}

const SOURCE_LABEL: Record<string, string> = {
  auction: 'Auction win',
  giveaway: 'Giveaway prize',
};

/**
 * Pays an order created waiting for its payment (an auction won, a runner-up offer): the
 * checkout's address and payment pieces, then `POST /api/orders/:id/pay`.
 */
function PayOrderForm({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const user = useUser();
  const formRef = useRef<HTMLFormElement>(null);
  const form = usePayForm(user, formRef);
  const [paying, setPaying] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const [challenge, setChallenge] = useState<Order>();
  const afterDecline = 'No money was taken. The item is offered to the runner-up.';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    if (!form.validate(true)) return;
    setPaying(true);
    form.remember();
    try {
      const paid = await api.payOrder(order.id, { payment: form.payment(), shipping: form.shipping() });
      if (paid.state === 'pending_payment' && paid.payment?.nextAction) setChallenge(paid);
      else onChange(paid);
    } catch (err) {
      const f = friendlyError(err);
      setProblem(f.code === 'payment_declined' ? { ...f, detail: afterDecline } : f);
      form.serverErrors(err);
      // Declined, or paid meanwhile in another tab: show the order as it is now.
      if (
        err instanceof ApiError &&
        (err.code === 'payment_declined' || err.code === 'reservation_unavailable')
      )
        void api.order(order.id).then(onChange, () => {});
    } finally {
      setPaying(false);
    }
  };

  return (
    <form
      ref={formRef}
      className="checkout__form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Pay for this order"
      data-testid="pay-order-form"
    >
      <Notice
        tone="info"
        title={order.source === 'auction' ? 'You won: pay to keep it' : 'Pay for this order'}
      >
        {order.source === 'auction'
          ? 'Pay within 15 minutes of the end of the auction, or the item is offered to the runner-up.'
          : 'This order waits for its payment.'}
      </Notice>
      <ShippingSection form={form} />
      <PaymentSection form={form} total={order.totalCents} currency={order.currency} />
      <div aria-live="polite">
        {problem ? <ProblemNotice problem={problem} testId="pay-order-problem" /> : null}
      </div>
      <Button type="submit" size="large" block loading={paying} data-testid="pay-order-button">
        <LockIcon size={18} /> Pay {money(order.totalCents, order.currency)}
      </Button>
      {challenge ? (
        <ChallengeModal
          order={challenge}
          onPaid={onChange}
          failedDetail={afterDecline}
          onFailed={(f) => {
            setChallenge(undefined);
            setProblem(f);
            void api.order(order.id).then(onChange, () => {});
          }}
        />
      ) : null}
    </form>
  );
}

/** A prize (already paid, price 0) needs to know where to go: `PUT /api/orders/:id/shipping`. */
function PrizeAddressForm({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const user = useUser();
  const formRef = useRef<HTMLFormElement>(null);
  const form = usePayForm(user, formRef);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    if (!form.validate(false)) return;
    setSaving(true);
    form.remember();
    try {
      onChange(await api.setShipping(order.id, form.shipping()));
    } catch (err) {
      setProblem(friendlyError(err));
      form.serverErrors(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      ref={formRef}
      className="checkout__form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Where to send your prize"
      data-testid="prize-address-form"
    >
      <ShippingSection form={form} title="Where should we send it?" />
      {problem ? <ProblemNotice problem={problem} /> : null}
      <Button type="submit" size="large" block loading={saving} data-testid="prize-address-save">
        Send it here
      </Button>
    </form>
  );
}

/** One order with its live status (user channel), payment, installments and shipping. */
export default function OrderPage({ params }: PageProps) {
  const id = params.id as string;
  const { search } = useLocation();
  const placed = search.get('placed') === '1';
  const { order, error, setOrder } = useLiveOrder(id);
  const [cancelling, setCancelling] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>();
  useTitle(order ? `Order ${orderRef(order.id)}` : 'Order');

  if (error && !order) {
    const f = friendlyError(error);
    return (
      <div className="page narrow">
        <EmptyState title={f.code === 'not_found' ? 'Order not found' : f.title}>
          <p>{f.detail}</p>
          <Link to="/orders" className="btn btn--secondary">
            Your orders
          </Link>
        </EmptyState>
      </div>
    );
  }
  if (!order) {
    return (
      <div className="page narrow">
        <Skeleton lines={6} />
      </div>
    );
  }

  // An auction win (or runner-up offer) waits for the buyer's payment; a prize for an address.
  const awaitingPayment = order.state === 'pending_payment' && order.payment === null;
  const needsAddress =
    order.shipping === null &&
    order.source === 'giveaway' &&
    (order.state === 'paid' || order.state === 'packed');
  const stepIndex = STEPS.findIndex(([s]) => s === order.state);
  const failed = stepIndex === -1;
  const ok = !failed && order.state !== 'pending_payment';
  const payment = order.payment;
  const tracking = order.fulfilment as { trackingNumber?: string; carrier?: string } | null;
  const cancellable = order.state === 'paid' || order.state === 'packed';
  const cancel = async () => {
    setCancelling(true);
    setCancelError(undefined);
    try {
      setOrder(await api.cancelOrder(order.id));
    } catch (e) {
      setCancelError(e);
    } finally {
      setCancelling(false);
      setConfirming(false);
    }
  };

  return (
    <div className="page narrow order" data-testid="order-page" data-state={order.state}>
      {placed && ok ? (
        <section className="confirm" data-testid="order-confirmed">
          <div className="confirm__badge" aria-hidden="true">
            <CheckIcon size={36} />
          </div>
          <h1 className="display display--sm">You got it!</h1>
          <p className="lede">
            Order <span className="mono">#{orderRef(order.id)}</span> is confirmed. A receipt is on its way
            {order.shipping?.email ? ` to ${order.shipping.email}` : ''}.
          </p>
        </section>
      ) : (
        <div className="page__head">
          <Link to="/orders" className="back">
            ← Orders
          </Link>
          <h1 className="page__title">
            Order <span className="mono">#{orderRef(order.id)}</span>
          </h1>
        </div>
      )}

      <section className="card pad">
        <div className="row between">
          <p className="muted small">
            {SOURCE_LABEL[order.source] ? `${SOURCE_LABEL[order.source]} · ` : ''}Placed{' '}
            {dateTime(order.createdAt)}
          </p>
          <OrderStateBadge state={order.state} />
        </div>
        {failed ? (
          <Notice
            tone={order.state === 'payment_failed' ? 'danger' : 'info'}
            title={ORDER_STATE_LABEL[order.state]}
          >
            {order.state === 'payment_failed'
              ? `The payment did not go through${payment?.reason ? ` (${payment.reason.replaceAll('_', ' ')})` : ''}. No money was taken${order.source === 'auction' ? '.' : ' and the items went back to the drop.'}`
              : null}
          </Notice>
        ) : (
          <ol className="timeline" aria-label="Order progress">
            {STEPS.map(([s, label], i) => (
              <li
                key={s}
                className={`timeline__step${i < stepIndex ? ' is-done' : ''}${i === stepIndex ? ' is-current' : ''}`}
                aria-current={i === stepIndex ? 'step' : undefined}
              >
                <span className="timeline__dot" aria-hidden="true" />
                <span className="timeline__label">{label}</span>
              </li>
            ))}
          </ol>
        )}
        {tracking?.trackingNumber ? (
          <p className="small order-tracking" data-testid="order-tracking">
            Shipped with {tracking.carrier ?? 'the carrier'} · tracking{' '}
            <span className="mono">{tracking.trackingNumber}</span>
          </p>
        ) : null}
        {order.state === 'cancelled' ? (
          <p className="muted small">
            Cancelled. {payment?.status === 'refunded' ? 'The payment was refunded.' : 'Nothing was charged.'}
          </p>
        ) : null}
        {order.state === 'pending_payment' && !awaitingPayment ? (
          <p className="muted small" role="status">
            <span className="spinner spinner--inline" aria-hidden="true" /> Waiting for the payment to
            confirm…
          </p>
        ) : null}
      </section>

      <section className="card pad">
        <h2 className="h3">Items</h2>
        <ul className="lines">
          {order.lines.map((l) => (
            <li key={`${l.sku}-${l.reservationId}`} className="line">
              {itemImage(l.sku) ? (
                <img src={itemImage(l.sku) ?? ''} alt="" className="line__img" width={64} height={64} />
              ) : null}
              <div className="line__text">
                <p className="line__title">{l.title}</p>
                <p className="line__meta">
                  {l.sku} · qty {l.quantity}
                </p>
              </div>
              <p className="line__price">{money(l.priceCents * l.quantity, order.currency)}</p>
            </li>
          ))}
        </ul>
        <dl className="totals">
          <div className="totals__grand">
            <dt>Total</dt>
            <dd data-testid="order-total">{money(order.totalCents, order.currency)}</dd>
          </div>
        </dl>
      </section>

      {awaitingPayment ? <PayOrderForm order={order} onChange={setOrder} /> : null}
      {needsAddress ? <PrizeAddressForm order={order} onChange={setOrder} /> : null}

      <div className="two-col">
        {payment ? (
          <section className="card pad">
            <h2 className="h3">Payment</h2>
            <p data-testid="order-payment">{payment.label ?? payment.method}</p>
            {payment.installments && payment.installments.length > 0 ? (
              <div className="plan" data-testid="installments">
                <p className="plan__head">Pay in {payment.installments.length}</p>
                <ol className="plan__list">
                  {payment.installments.map((p) => (
                    <li key={p.dueDate}>
                      <span>{shortDate(p.dueDate)}</span>
                      <strong>{money(p.amountCents, order.currency)}</strong>
                    </li>
                  ))}
                </ol>
              </div>
            ) : null}
          </section>
        ) : null}
        {order.shipping ? (
          <section className="card pad">
            <h2 className="h3">Shipping to</h2>
            <address className="address">
              {order.shipping.name}
              <br />
              {order.shipping.line1}
              {order.shipping.line2 ? (
                <>
                  <br />
                  {order.shipping.line2}
                </>
              ) : null}
              <br />
              {order.shipping.city}
              {order.shipping.region ? `, ${order.shipping.region}` : ''} {order.shipping.postalCode}
              <br />
              {order.shipping.country}
            </address>
          </section>
        ) : null}
      </div>

      {cancelError ? <ProblemNotice problem={friendlyError(cancelError)} testId="cancel-error" /> : null}
      <div className="row">
        {cancellable && !confirming ? (
          <button
            type="button"
            className="btn btn--ghost"
            data-testid="cancel-order"
            onClick={() => setConfirming(true)}
          >
            Cancel order
          </button>
        ) : null}
        {cancellable && confirming ? (
          <>
            <button
              type="button"
              className="btn btn--danger"
              data-testid="cancel-confirm"
              disabled={cancelling}
              onClick={() => void cancel()}
            >
              {cancelling ? 'Cancelling…' : 'Yes, cancel it'}
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : null}
        <Link to="/" className="btn btn--secondary">
          Back to the drops
        </Link>
        <Link to="/orders" className="btn btn--ghost">
          All orders
        </Link>
      </div>
    </div>
  );
}
