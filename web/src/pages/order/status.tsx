import { Notice } from '../../components/ui.tsx';
import { dateTime } from '../../lib/format.ts';
import type { Order, OrderState } from '../../lib/types.ts';
import '../orders.css';

export const STEPS: Array<[OrderState, string]> = [
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

/** Where the order is: its source and date, the progress (or why it stopped), the tracking. */
export function OrderStatusCard({ order, awaitingPayment }: { order: Order; awaitingPayment: boolean }) {
  const stepIndex = STEPS.findIndex(([s]) => s === order.state);
  const failed = stepIndex === -1;
  const payment = order.payment;
  const tracking = order.fulfilment as { trackingNumber?: string; carrier?: string } | null;
  return (
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
          <span className="spinner spinner--inline" aria-hidden="true" /> Waiting for the payment to confirm…
        </p>
      ) : null}
    </section>
  );
}
