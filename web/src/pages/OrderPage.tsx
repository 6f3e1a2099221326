import { useState } from 'react';
import { CheckIcon } from '../components/Icons.tsx';
import { EmptyState, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { money, orderRef, shortDate } from '../lib/format.ts';
import { itemImage, useLiveOrder } from '../lib/holds.tsx';
import { useTitle } from '../lib/hooks.ts';
import { friendlyError } from '../lib/problems.ts';
import { Link, type PageProps, useLocation } from '../lib/router.tsx';
import { PayOrderForm, PrizeAddressForm } from './order/OrderForms.tsx';
import { OrderStatusCard, STEPS } from './order/status.tsx';
import './checkout.css';
import './orders.css';

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
  const ok = STEPS.some(([s]) => s === order.state) && order.state !== 'pending_payment';
  const payment = order.payment;
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

      <OrderStatusCard order={order} awaitingPayment={awaitingPayment} />

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
