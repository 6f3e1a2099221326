import { useEffect } from 'react';
import { AuthPanel } from '../components/AuthPanel.tsx';
import { BagIcon } from '../components/Icons.tsx';
import { EmptyState, ProblemNotice, Skeleton } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { dateTime, money, orderRef, plural } from '../lib/format.ts';
import { useHolds } from '../lib/holds.tsx';
import { useLoad, useTitle } from '../lib/hooks.ts';
import { friendlyError } from '../lib/problems.ts';
import { Link } from '../lib/router.tsx';
import { OrderStateBadge } from './order/status.tsx';
import './orders.css';

/** The buyer's orders, newest first; a status change anywhere refreshes the list. */
export default function OrdersPage() {
  useTitle('Your orders');
  const s = useSession();
  const orders = useLoad(async () => (s ? api.orders() : []), [s?.token]);
  const { onUserEvent } = useHolds();
  useEffect(
    () => onUserEvent((f) => f.ev.startsWith('order.') && orders.reload()),
    [onUserEvent, orders.reload],
  );

  if (!s) {
    return (
      <div className="page narrow">
        <h1 className="page__title">Your orders</h1>
        <div className="card pad">
          <AuthPanel />
        </div>
      </div>
    );
  }

  return (
    <div className="page narrow" data-testid="orders-page">
      <h1 className="page__title">Your orders</h1>
      {orders.error ? <ProblemNotice problem={friendlyError(orders.error)} /> : null}
      {orders.loading && !orders.data ? <Skeleton lines={5} /> : null}
      {orders.data && orders.data.length === 0 ? (
        <EmptyState title="No orders yet" art={<BagIcon size={40} />}>
          <p>Your wins will show up here.</p>
          <Link to="/" className="btn btn--primary">
            See live drops
          </Link>
        </EmptyState>
      ) : null}
      <ul className="order-list">
        {(orders.data ?? []).map((o) => (
          <li key={o.id} className="card order-row" data-testid="order-row">
            <div>
              <p className="order-row__title">
                <Link to={`/orders/${o.id}`} className="stretched">
                  {o.lines[0]?.title ?? 'Order'}
                  {o.lines.length > 1 ? ` + ${plural(o.lines.length - 1, 'more item')}` : ''}
                </Link>
              </p>
              <p className="muted small">
                #{orderRef(o.id)} · {dateTime(o.createdAt)}
              </p>
            </div>
            <div className="order-row__right">
              <OrderStateBadge state={o.state} />
              <p className="order-row__total">{money(o.totalCents, o.currency)}</p>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
