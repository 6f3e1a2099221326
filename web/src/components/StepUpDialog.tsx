import { type FormEvent, useEffect, useState } from 'react';
import { mfaApi } from '../lib/mfa-api.ts';
import { friendlyError } from '../lib/problems.ts';
import { Link } from '../lib/router.tsx';
import { setStepUpPrompt } from '../lib/step-up.ts';
import type { Problem } from '../lib/types.ts';
import { Button, Modal, TextField } from './ui.tsx';

interface Pending {
  readonly problem: Problem;
  readonly resolve: (proof: string | undefined) => void;
}

/**
 * Appears when a call answers 403 `step_up_required`: the user types a code from their
 * authenticator app (or a recovery code), and the call is repeated with the proof. Without a
 * second factor it explains where to add one (a guest: create an account first).
 */
export function StepUpDialog() {
  const [pending, setPending] = useState<Pending | undefined>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setStepUpPrompt(
      (problem) =>
        new Promise((resolve) => {
          setCode('');
          setError(undefined);
          setPending({ problem, resolve });
        }),
    );
    return () => setStepUpPrompt(undefined);
  }, []);

  const finish = (proof: string | undefined) => {
    pending?.resolve(proof);
    setPending(undefined);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      finish((await mfaApi.stepUp(code.trim())).token);
    } catch (err) {
      setError(friendlyError(err).title);
    } finally {
      setBusy(false);
    }
  };

  const withPasskey = async () => {
    setBusy(true);
    setError(undefined);
    try {
      finish(await mfaApi.stepUpWithPasskey());
    } catch (err) {
      setError(
        err instanceof Error && err.name === 'NotAllowedError' ? 'Cancelled.' : friendlyError(err).title,
      );
    } finally {
      setBusy(false);
    }
  };
  const enrol = pending?.problem.enrol === true;
  const register = pending?.problem.register === true;
  return (
    <Modal
      open={pending !== undefined}
      onClose={() => finish(undefined)}
      title="Confirm it’s you"
      testId="step-up"
    >
      {enrol ? (
        <div className="stack" data-testid="step-up-enrol">
          <p>{pending?.problem.title}</p>
          <p>
            {register
              ? 'Create an account and add a second factor to place an order this large.'
              : 'Add an authenticator app to your account first, then try again.'}
          </p>
          <Link to={register ? '/signin' : '/account/security'} onClick={() => finish(undefined)}>
            {register ? 'Create an account' : 'Set up a second factor'}
          </Link>
        </div>
      ) : (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <p>
            This needs a second factor: enter the 6-digit code from your authenticator app, or a recovery
            code.
          </p>
          <TextField
            label="Code"
            autoComplete="one-time-code"
            inputMode="text"
            maxLength={11}
            value={code}
            error={error}
            onChange={(e) => setCode(e.target.value)}
            data-testid="step-up-code"
            autoFocus
          />
          <Button type="submit" loading={busy} disabled={code.trim().length < 6} data-testid="step-up-submit">
            Confirm
          </Button>
          {mfaApi.supportsPasskeys() ? (
            <Button variant="secondary" onClick={() => void withPasskey()} data-testid="step-up-passkey">
              Use a passkey
            </Button>
          ) : null}
        </form>
      )}
    </Modal>
  );
}
