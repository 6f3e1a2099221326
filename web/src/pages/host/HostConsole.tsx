import type { ReactNode } from 'react';
import { AuthPanel } from '../../components/AuthPanel.tsx';
import { EmptyState } from '../../components/ui.tsx';
import { isHost, useUser } from '../../lib/auth.ts';
import { useTitle } from '../../lib/hooks.ts';
import { Link, type PageProps, useLocation } from '../../lib/router.tsx';
import { HostParties } from './HostParties.tsx';
import { HostProducts } from './HostProducts.tsx';
import { HostSales } from './HostSales.tsx';
import { HostShows, ScheduleShow } from './HostShows.tsx';
import { SaleDashboard } from './SaleDashboard.tsx';
import { ScheduleParty } from './ScheduleParty.tsx';
import { ScheduleSale } from './ScheduleSale.tsx';
import { ShowControlRoom } from './ShowControlRoom.tsx';
import './HostConsole.css';

const TABS: Array<[string, string]> = [
  ['/host', 'Sales'],
  ['/host/shows', 'Shows'],
  ['/host/parties', 'Parties'],
  ['/host/products', 'Products'],
  ['/host/schedule', 'Schedule'],
];

/**
 * The host console (lazy-loaded: buyers never download it). Sub-pages under /host/*; a new
 * one is a tab here and a branch below. Shows: `shows` (the list), `shows/new`, `shows/:id`
 * (the live control room). Parties (recurring sales): `parties` (the list), `parties/new`.
 */
export default function HostConsole({ params }: PageProps) {
  useTitle('Host console');
  const user = useUser();
  const { pathname } = useLocation();
  const rest = params['*'] ?? '';

  if (!user || user.guest) {
    return (
      <div className="page narrow">
        <h1 className="page__title">Host console</h1>
        <p className="lede">Sign in with a host account to run drops.</p>
        <div className="card pad">
          <AuthPanel />
        </div>
      </div>
    );
  }
  if (!isHost(user)) {
    return (
      <div className="page narrow">
        <EmptyState title="Hosts only">
          <p>The console is for hosts. Ask an admin to make your account a host.</p>
          <Link to="/" className="btn btn--secondary">
            Back to the drops
          </Link>
        </EmptyState>
      </div>
    );
  }

  const saleMatch = /^sales\/([^/]+)$/.exec(rest);
  const showMatch = /^shows\/([^/]+)$/.exec(rest);
  let body: ReactNode;
  if (rest === '') body = <HostSales user={user} />;
  else if (rest === 'products') body = <HostProducts user={user} />;
  else if (rest === 'schedule') body = <ScheduleSale user={user} />;
  else if (saleMatch?.[1]) body = <SaleDashboard saleId={saleMatch[1]} />;
  else if (rest === 'shows') body = <HostShows user={user} />;
  else if (rest === 'shows/new') body = <ScheduleShow user={user} />;
  else if (rest === 'parties') body = <HostParties user={user} />;
  else if (rest === 'parties/new') body = <ScheduleParty user={user} />;
  else if (showMatch?.[1]) body = <ShowControlRoom key={showMatch[1]} showId={showMatch[1]} />;
  else
    body = (
      <EmptyState title="Nothing here">
        <Link to="/host">Back to the console</Link>
      </EmptyState>
    );

  return (
    <div className="page host" data-testid="host-console">
      <div className="host__head">
        <h1 className="page__title">Host console</h1>
        <nav className="tabs tabs--nav" aria-label="Host console">
          {TABS.map(([to, label]) => {
            const active =
              to === '/host'
                ? pathname === '/host' || pathname.startsWith('/host/sales')
                : pathname === to ||
                  ((to === '/host/shows' || to === '/host/parties') && pathname.startsWith(`${to}/`));
            return (
              <Link
                key={to}
                to={to}
                className="tabs__tab"
                aria-current={active ? 'page' : undefined}
                data-testid={`host-tab-${label.split(' ')[0]?.toLowerCase()}`}
              >
                {label}
              </Link>
            );
          })}
        </nav>
      </div>
      {body}
    </div>
  );
}
