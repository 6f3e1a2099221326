import { type FormEvent, useState } from 'react';
import { auth } from '../lib/auth.ts';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import type { User } from '../lib/types.ts';
import { Button, ProblemNotice, TextField } from './ui.tsx';
import './AuthPanel.css';

type Mode = 'signin' | 'signup';

/** Sign in, create an account, or continue as a guest: one panel for the page and the sheet. */
export function AuthPanel({ onDone, initial = 'signin' }: { onDone?: (u: User) => void; initial?: Mode }) {
  const [mode, setMode] = useState<Mode>(initial);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'form' | 'guest' | undefined>();
  const [problem, setProblem] = useState<Friendly>();
  const [errors, setErrors] = useState<Record<string, string>>({});

  const validate = () => {
    const e: Record<string, string> = {};
    if (mode === 'signup' && !name.trim()) e.name = 'Tell us your name.';
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) e.email = 'Enter a valid email address.';
    if (mode === 'signup' ? password.length < 8 : password.length === 0)
      e.password = mode === 'signup' ? 'Use at least 8 characters.' : 'Enter your password.';
    setErrors(e);
    return Object.keys(e).length === 0;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setProblem(undefined);
    if (!validate()) return;
    setBusy('form');
    try {
      const u =
        mode === 'signin'
          ? await auth.signIn(email.trim(), password)
          : await auth.signUp(name.trim(), email.trim(), password);
      onDone?.(u);
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };

  const guest = async () => {
    setProblem(undefined);
    setBusy('guest');
    try {
      // Not `onDone?.(await auth.guest())`: without onDone, optional chaining skips the argument.
      const u = await auth.guest();
      onDone?.(u);
    } catch (e) {
      setProblem(friendlyError(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="auth" data-testid="auth-panel">
      <fieldset className="tabs">
        <legend className="sr-only">Sign in or create an account</legend>
        <button
          type="button"
          aria-pressed={mode === 'signin'}
          className="tabs__tab"
          onClick={() => setMode('signin')}
          data-testid="tab-signin"
        >
          Sign in
        </button>
        <button
          type="button"
          aria-pressed={mode === 'signup'}
          className="tabs__tab"
          onClick={() => setMode('signup')}
          data-testid="tab-signup"
        >
          Create account
        </button>
      </fieldset>
      <form className="form" onSubmit={submit} noValidate>
        {mode === 'signup' ? (
          <TextField
            label="Name"
            name="name"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.name}
            data-testid="auth-name"
          />
        ) : null}
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          data-testid="auth-email"
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          hint={mode === 'signup' ? 'At least 8 characters.' : undefined}
          data-testid="auth-password"
        />
        {problem ? <ProblemNotice problem={problem} testId="auth-error" /> : null}
        <Button type="submit" block size="large" loading={busy === 'form'} data-testid="auth-submit">
          {mode === 'signin' ? 'Sign in' : 'Create account'}
        </Button>
      </form>
      <div className="auth__or">
        <span>or</span>
      </div>
      <Button variant="secondary" block onClick={guest} loading={busy === 'guest'} data-testid="auth-guest">
        Continue as guest
      </Button>
      <p className="auth__fine">Guests can claim and check out with just an email for the receipt.</p>
    </div>
  );
}
