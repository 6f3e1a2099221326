import { useState } from 'react';
import { CheckIcon } from '../components/Icons.tsx';
import { EmptyState, Notice, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { dateTime, money, shortDate } from '../lib/format.ts';
import { itemImage, useLiveOrder } from '../lib/holds.tsx';
import { useTitle } from '../lib/hooks.ts';
import { friendlyError } from '../lib/problems.ts';
import { Link, type PageProps, useLocation } from '../lib/router.tsx';
import type { OrderState } from '../lib/types.ts';

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

/** One order with its live status (user channel), payment, installments and shipping. */
export default function OrderPage({ params }: PageProps) {
  const id = params.id as string;
  const { search } = useLocation();
  const placed = search.get('placed') === '1';
  const { order, error, setOrder } = useLiveOrder(id);
  const [cancelling, setCancelling] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>();
  useTitle(order ? `Order ${order.id.slice(-6).toUpperCase()}` : 'Order');

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
            Order <span className="mono">#{order.id.slice(-6).toUpperCase()}</span> is confirmed. A receipt is
            on its way{order.shipping?.email ? ` to ${order.shipping.email}` : ''}.
          </p>
        </section>
      ) : (
        <div className="page__head">
          <Link to="/orders" className="back">
            ← Orders
          </Link>
          <h1 className="page__title">
            Order <span className="mono">#{order.id.slice(-6).toUpperCase()}</span>
          </h1>
        </div>
      )}

      <section className="card pad">
        <div className="row between">
          <p className="muted small">Placed {dateTime(order.createdAt)}</p>
          <OrderStateBadge state={order.state} />
        </div>
        {failed ? (
          <Notice
            tone={order.state === 'payment_failed' ? 'danger' : 'info'}
            title={ORDER_STATE_LABEL[order.state]}
          >
            {order.state === 'payment_failed'
              ? `The payment did not go through${payment?.reason ? ` (${payment.reason.replaceAll('_', ' ')})` : ''}. No money was taken and the items went back to the drop.`
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
        {order.state === 'pending_payment' ? (
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
