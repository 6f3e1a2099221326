import { generateSync } from 'otplib';
import { STEP_UP_HEADER } from '../../src/modules/auth/step-up-proofs.ts';
import type { TestApp } from './test-app.ts';

/**
 * A step-up proof header minted by the service, for suites whose subject is not the second factor
 * (refunds, role changes): the second factor itself is tested end to end in mfa.test.ts.
 */
export async function stepUpHeaders(t: TestApp, userId: string): Promise<Record<string, string>> {
  const { token } = await t.fm.services.stepUpProofs.issue(userId, 'totp');
  return { [STEP_UP_HEADER]: token };
}

/** The TOTP an authenticator app would show for `secret` at the app's clock (plus `offsetMs`). */
export function totpAt(t: TestApp, secret: string, offsetMs = 0): string {
  return generateSync({ secret, epoch: Math.floor((t.fm.clock.now() + offsetMs) / 1000) });
}

/** Enrols and activates TOTP through the API; the secret and the recovery codes shown once. */
export async function enrolTotp(
  t: TestApp,
  token: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await t.http('POST', '/api/me/mfa/totp', { token });
  if (started.statusCode !== 201) throw new Error(`enrol: ${started.statusCode} ${started.body}`);
  const { secret } = started.json() as { secret: string };
  const confirmed = await t.http('POST', '/api/me/mfa/totp/confirm', {
    token,
    body: { code: totpAt(t, secret) },
  });
  if (confirmed.statusCode !== 200) throw new Error(`confirm: ${confirmed.statusCode} ${confirmed.body}`);
  return { secret, recoveryCodes: (confirmed.json() as { recoveryCodes: string[] }).recoveryCodes };
}
