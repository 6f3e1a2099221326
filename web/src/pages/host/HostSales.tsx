import { EmptyState, ProblemNotice, Skeleton, StatusPill } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { dateTime, plural } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { friendlyError } from '../../lib/problems.ts';
import { Link } from '../../lib/router.tsx';
import type { User } from '../../lib/types.ts';

/** The host's sales (live, upcoming, ended); each opens its live dashboard. */
export function HostSales({ user }: { user: User }) {
  // A host sees their own sales (GET /api/sales?host=); an admin sees everyone's.
  const sales = useLoad(
    (signal) => api.sales({ limit: 200, ...(user.role === 'admin' ? {} : { host: user.id }) }, signal),
    [user.id, user.role],
  );
  return (
    <section aria-labelledby="host-sales" data-testid="host-sales">
      <div className="section__head">
        <h2 id="host-sales">Your sales</h2>
        <Link to="/host/schedule" className="btn btn--primary btn--small">
          Schedule a drop
        </Link>
      </div>
      {sales.error ? <ProblemNotice problem={friendlyError(sales.error)} /> : null}
      {sales.loading && !sales.data ? <Skeleton lines={4} /> : null}
      {sales.data && sales.data.length === 0 ? (
        <EmptyState title="No sales yet">
          <p>Create products, then schedule your first drop.</p>
          <Link to="/host/products" className="btn btn--secondary">
            Add products
          </Link>
        </EmptyState>
      ) : null}
      <ul className="host-list">
        {(sales.data ?? []).map((s) => {
          const left = s.items.reduce((n, i) => n + i.remaining, 0);
          const stock = s.items.reduce((n, i) => n + i.stock, 0);
          return (
            <li key={s.id} className="card host-row" data-testid="host-sale-row">
              <div className="host-row__main">
                <p className="host-row__title">
                  <Link to={`/host/sales/${s.id}`} className="stretched">
                    {s.title}
                  </Link>
                </p>
                <p className="muted small">
                  {dateTime(s.startsAt)} → {dateTime(s.endsAt)} · {plural(s.items.length, 'item')}
                </p>
              </div>
              <div className="host-row__side">
                <StatusPill status={s.status} />
                <span className="small mono">
                  {left}/{stock} left
                </span>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
