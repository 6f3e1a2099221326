import { EmptyState, Notice, ProblemNotice, Skeleton } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { friendlyError } from '../../lib/problems.ts';
import { Link, useLocation } from '../../lib/router.tsx';
import { useServerNow } from '../../lib/ticker.ts';
import type { Party, PartyState, User } from '../../lib/types.ts';
import { PartyRow } from './PartyRow.tsx';
import './HostParties.css';

const STATES: readonly PartyState[] = ['active', 'paused', 'ended'];

/**
 * The host's parties of every state (active, then paused, then ended), each with its rule, its
 * next start, its current or next sale, and pause / resume / end. `GET /api/parties` answers one
 * state at a time: three calls. An admin sees everyone's.
 */
export function HostParties({ user }: { user: User }) {
  const { search } = useLocation();
  const created = search.get('created');
  const parties = useLoad(
    async (signal) => {
      const host = user.role === 'admin' ? {} : { host: user.id };
      const lists = await Promise.all(
        STATES.map((state) => api.parties({ state, limit: 200, ...host }, signal)),
      );
      return lists.flat();
    },
    [user.id, user.role],
  );
  const replace = (next: Party) =>
    parties.setData((prev) => (prev ?? []).map((p) => (p.id === next.id ? next : p)));
  const fresh = created ? parties.data?.find((p) => p.id === created) : undefined;
  const now = useServerNow(1000);

  return (
    <section aria-labelledby="host-parties" data-testid="host-parties">
      <div className="section__head">
        <h2 id="host-parties">Your parties</h2>
        <Link to="/host/parties/new" className="btn btn--primary btn--small" data-testid="new-party">
          Start a party
        </Link>
      </div>
      <p className="muted small party-intro">
        A party is a drop that comes back at the same local time, every day or on the days you pick. Each one
        opens as its own sale, created a day ahead with the stock you set here.
      </p>
      {fresh ? (
        <Notice tone="success" title="Party started" testId="party-created">
          {fresh.sales[0]
            ? `Its first sale is scheduled for ${dateTime(fresh.sales[0].startsAt)}.`
            : 'Its first sale is created a day before it starts.'}
        </Notice>
      ) : null}
      {parties.error ? <ProblemNotice problem={friendlyError(parties.error)} /> : null}
      {parties.loading && !parties.data ? <Skeleton lines={4} /> : null}
      {parties.data && parties.data.length === 0 ? (
        <EmptyState title="No parties yet">
          <p>Bring buyers back at the same time every week: "Vinyl Friday, 20:00".</p>
          <Link to="/host/parties/new" className="btn btn--secondary">
            Start your first party
          </Link>
        </EmptyState>
      ) : null}
      <ul className="host-list">
        {(parties.data ?? []).map((p) => (
          <PartyRow key={p.id} party={p} now={now} onChange={replace} highlight={p.id === created} />
        ))}
      </ul>
    </section>
  );
}
