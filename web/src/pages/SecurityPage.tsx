import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Button, Notice, Skeleton, TextField } from '../components/ui.tsx';
import { useUser } from '../lib/auth.ts';
import { mfaApi } from '../lib/mfa-api.ts';
import { friendlyError } from '../lib/problems.ts';
import { Link } from '../lib/router.tsx';
import type { MfaStatus } from '../lib/types.ts';
import './SecurityPage.css';

/** A code form: TOTP or recovery code, one submit. */
function CodeForm(props: {
  label: string;
  action: string;
  testId: string;
  onCode: (code: string) => Promise<void>;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onCode(code.trim());
      setCode('');
    } catch (err) {
      setError(friendlyError(err).title);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <TextField
        label={props.label}
        autoComplete="one-time-code"
        maxLength={11}
        value={code}
        error={error}
        onChange={(e) => setCode(e.target.value)}
        data-testid={`${props.testId}-code`}
      />
      <Button
        type="submit"
        loading={busy}
        disabled={code.trim().length < 6}
        data-testid={`${props.testId}-submit`}
      >
        {props.action}
      </Button>
    </form>
  );
}

/** Shown once, right after activation: the server keeps only their hashes. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Notice
      tone="success"
      title="Authenticator app on. Save your recovery codes"
      testId="recovery-codes-notice"
    >
      <p>Each works once if you lose your phone. They are shown only now.</p>
      <ul className="recovery-codes mono" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <Button variant="secondary" onClick={onDone} data-testid="recovery-codes-saved">
        I saved them
      </Button>
    </Notice>
  );
}

/** Passkeys: a fingerprint, face or security key, checked by the browser (WebAuthn). */
function Passkeys({ count, onAdded }: { count: number; onAdded: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (!mfaApi.supportsPasskeys()) return null;
  const add = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await mfaApi.addPasskey();
      onAdded();
    } catch (e) {
      setError(e instanceof Error && e.name === 'NotAllowedError' ? 'Cancelled.' : friendlyError(e).title);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack" aria-labelledby="passkeys">
      <h2 id="passkeys">Passkeys</h2>
      <p data-testid="passkey-count" data-count={count}>
        {count === 0 ? 'No passkey yet.' : `${count} passkey${count === 1 ? '' : 's'}.`}
      </p>
      {error ? <Notice title={error} /> : null}
      <Button variant="secondary" loading={busy} onClick={() => void add()} data-testid="passkey-add">
        Add a passkey
      </Button>
    </section>
  );
}

/** /account/security: add or remove the authenticator app (TOTP), see what is left. */
export default function SecurityPage() {
  const user = useUser();
  const [status, setStatus] = useState<MfaStatus | undefined>();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | undefined>();
  const [codes, setCodes] = useState<string[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(() => {
    mfaApi.status().then(setStatus, (e: unknown) => setError(friendlyError(e).title));
  }, []);
  useEffect(() => {
    if (user && !user.guest) load();
  }, [user, load]);

  if (!user || user.guest)
    return (
      <div className="page narrow">
        <h1 className="page__title">Security</h1>
        <Notice tone="info" title="A second factor needs an account">
          <Link to="/signin">{user ? 'Create an account' : 'Sign in'}</Link> to protect it with an
          authenticator app.
        </Notice>
      </div>
    );
  const start = async () => {
    setError(undefined);
    try {
      setEnrolment(await mfaApi.startTotp());
    } catch (e) {
      setError(friendlyError(e).title);
    }
  };
  return (
    <div className="page narrow stack" data-testid="security-page">
      <h1 className="page__title">Security</h1>
      <p>
        A second factor protects role changes, refunds and large orders: even with your password, nobody can
        do those without the code from your phone.
      </p>
      {error ? <Notice title={error} /> : null}
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />
      ) : !status ? (
        <Skeleton lines={3} />
      ) : status.totp === 'active' ? (
        <section className="stack" data-testid="totp-active" aria-labelledby="totp-on">
          <h2 id="totp-on">Authenticator app: on</h2>
          <p data-testid="recovery-left">{status.recoveryCodesLeft} recovery codes left.</p>
          <CodeForm
            label="Code to turn it off"
            action="Turn off"
            testId="totp-disable"
            onCode={async (code) => {
              await mfaApi.disableTotp(code);
              load();
            }}
          />
        </section>
      ) : enrolment ? (
        <section className="stack" aria-labelledby="totp-setup">
          <h2 id="totp-setup">Add your authenticator app</h2>
          <p>Open this link on your phone, or type the key into the app by hand:</p>
          <p className="mono break" data-testid="totp-uri">
            {enrolment.uri}
          </p>
          <p>
            Key:{' '}
            <code className="mono" data-testid="totp-secret">
              {enrolment.secret}
            </code>
          </p>
          <CodeForm
            label="The 6-digit code the app shows"
            action="Turn on"
            testId="totp-confirm"
            onCode={async (code) => {
              setCodes((await mfaApi.confirmTotp(code)).recoveryCodes);
              setEnrolment(undefined);
              load();
            }}
          />
        </section>
      ) : (
        <section className="stack" aria-labelledby="totp-off">
          <h2 id="totp-off">Authenticator app: off</h2>
          <Button onClick={() => void start()} data-testid="totp-start">
            Set up an authenticator app
          </Button>
        </section>
      )}
      {status && !codes ? <Passkeys count={status.passkeys} onAdded={load} /> : null}
    </div>
  );
}
