import { AuthPanel } from '../components/AuthPanel.tsx';
import { BoltIcon } from '../components/Icons.tsx';
import { auth, useUser } from '../lib/auth.ts';
import { useTitle } from '../lib/hooks.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import './SignInPage.css';

/** Sign in, sign up, or continue as a guest; `?next=/path` returns there afterwards. */
export default function SignInPage() {
  useTitle('Sign in');
  const user = useUser();
  const { search } = useLocation();
  const next = search.get('next');
  const back = next?.startsWith('/') && !next.startsWith('//') ? next : '/';

  return (
    <div className="page narrow signin">
      <div className="signin__head">
        <span className="logo__mark logo__mark--big" aria-hidden="true">
          <BoltIcon size={28} />
        </span>
        <h1 className="page__title">Get in on the drop</h1>
        <p className="lede">One account for every drop: holds, orders and express checkout.</p>
      </div>
      {user && !user.guest ? (
        <div className="card pad stack">
          <p>
            You're signed in as <strong>{user.name}</strong>
            {user.email ? ` (${user.email})` : ''}.
          </p>
          <div className="row">
            <Link to={back} className="btn btn--primary">
              Continue
            </Link>
            <button type="button" className="btn btn--ghost" onClick={() => auth.signOut()}>
              Sign out
            </button>
          </div>
        </div>
      ) : (
        <div className="card pad">
          {user?.guest ? (
            <p className="muted small">
              You're shopping as a guest. Create an account to keep your orders and save cards.
            </p>
          ) : null}
          <AuthPanel initial={user?.guest ? 'signup' : 'signin'} onDone={() => navigate(back)} />
        </div>
      )}
    </div>
  );
}
