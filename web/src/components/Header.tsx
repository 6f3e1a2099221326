import { useEffect, useRef, useState } from 'react';
import { auth, isHost, useUser } from '../lib/auth.ts';
import { useHolds } from '../lib/holds.tsx';
import { useRealtime } from '../lib/realtime.tsx';
import { Link, useLocation } from '../lib/router.tsx';
import { Countdown } from './Countdown.tsx';
import { BagIcon, BoltIcon, UserIcon } from './Icons.tsx';
import './Header.css';

function NavLink({ to, children, exact }: { to: string; children: string; exact?: boolean }) {
  const { pathname } = useLocation();
  const active = exact ? pathname === to : pathname === to || pathname.startsWith(`${to}/`);
  return (
    <Link
      to={to}
      className={`nav__link${active ? ' is-active' : ''}`}
      aria-current={active ? 'page' : undefined}
    >
      {children}
    </Link>
  );
}

function AccountMenu() {
  const user = useUser();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu on navigation
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!user) {
    return (
      <Link to="/signin" className="btn btn--secondary btn--small" data-testid="signin-link">
        Sign in
      </Link>
    );
  }
  const name = user.guest ? 'Guest' : user.name;
  return (
    <div className="account" ref={box}>
      <button
        type="button"
        className="account__button"
        aria-expanded={open}
        aria-controls="account-menu"
        // The name is hidden on narrow screens; the button keeps one for screen readers.
        aria-label={`Account: ${name}`}
        onClick={() => setOpen((o) => !o)}
        data-testid="account-button"
      >
        <span className="account__avatar" aria-hidden="true">
          {user.guest ? <UserIcon size={16} /> : name.slice(0, 1).toUpperCase()}
        </span>
        <span className="account__name" data-testid="user-name">
          {name}
        </span>
      </button>
      {open ? (
        <div className="account__menu" id="account-menu">
          <p className="account__who">
            {user.guest ? 'Shopping as a guest' : (user.email ?? name)}
            {user.role !== 'buyer' ? <span className="badge">{user.role}</span> : null}
          </p>
          <Link to="/orders">Your orders</Link>
          {isHost(user) ? <Link to="/host">Host console</Link> : null}
          {user.guest ? (
            <Link to="/signin">Create an account</Link>
          ) : (
            <Link to="/account/security">Security</Link>
          )}
          <button
            type="button"
            className="account__signout"
            data-testid="signout"
            onClick={() => {
              auth.signOut();
              setOpen(false);
            }}
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

function BagButton() {
  const { holds } = useHolds();
  const count = holds.reduce((n, h) => n + h.quantity, 0);
  const soonest = holds.map((h) => h.expiresAt).sort()[0];
  return (
    <Link
      to="/checkout"
      className={`bag${count > 0 ? ' has-items' : ''}`}
      aria-label={count > 0 ? `Bag: ${count} held, check out` : 'Bag is empty'}
      data-testid="bag"
    >
      <BagIcon size={20} />
      {count > 0 ? (
        <>
          <span className="bag__count" data-testid="bag-count">
            {count}
          </span>
          {soonest ? (
            <Countdown to={soonest} format="clock" className="bag__timer" testId="bag-timer" />
          ) : null}
        </>
      ) : null}
    </Link>
  );
}

export function Header() {
  const user = useUser();
  const { status } = useRealtime();
  return (
    <header className="header">
      <div className="header__inner">
        <Link to="/" className="logo" aria-label="Flashmob home">
          <span className="logo__mark" aria-hidden="true">
            <BoltIcon size={18} />
          </span>
          <span className="logo__word">FLASHMOB</span>
        </Link>
        <nav className="nav" aria-label="Main">
          <NavLink to="/" exact>
            Drops
          </NavLink>
          {user ? <NavLink to="/orders">Orders</NavLink> : null}
          {isHost(user) ? <NavLink to="/host">Host</NavLink> : null}
        </nav>
        <div className="header__actions">
          <span
            className={`conn conn--${status}`}
            title={status === 'open' ? 'Live updates on' : 'Reconnecting for live updates…'}
            data-testid="connection"
            data-status={status}
          >
            <span className="conn__dot" aria-hidden="true" />
            <span className="conn__label">{status === 'open' ? 'Live' : 'Offline'}</span>
          </span>
          <BagButton />
          <AccountMenu />
        </div>
      </div>
      {status === 'reconnecting' ? (
        <div className="banner" role="status">
          Reconnecting for live updates…
        </div>
      ) : null}
    </header>
  );
}
