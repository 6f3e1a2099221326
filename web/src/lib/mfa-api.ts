import { request } from './api.ts';
import type { MfaStatus } from './types.ts';

/** The second-factor calls (README "Second factor and step-up"). */
export const mfaApi = {
  status: () => request<MfaStatus>('GET', '/api/me/mfa'),
  startTotp: () => request<{ secret: string; uri: string }>('POST', '/api/me/mfa/totp'),
  confirmTotp: (code: string) =>
    request<{ recoveryCodes: string[] }>('POST', '/api/me/mfa/totp/confirm', { body: { code } }),
  disableTotp: (code: string) => request<null>('POST', '/api/me/mfa/totp/disable', { body: { code } }),
  /** A proof for 5 minutes, sent by `request` as the Flashmob-Step-Up header on the retried call. */
  stepUp: (code: string) =>
    request<{ token: string; expiresAt: string; header: string }>('POST', '/api/me/step-up', {
      body: { code },
    }),
  /** Adds a passkey (WebAuthn create); the browser's library is loaded only when used. */
  async addPasskey(): Promise<{ id: string }> {
    const { startRegistration } = await import('@simplewebauthn/browser');
    const optionsJSON = await request<never>('POST', '/api/me/mfa/passkeys/register/options');
    const body = await startRegistration({ optionsJSON });
    return request<{ id: string }>('POST', '/api/me/mfa/passkeys/register/verify', { body });
  },
  /** Steps up with a passkey (WebAuthn get): the proof's token. */
  async stepUpWithPasskey(): Promise<string> {
    const { startAuthentication } = await import('@simplewebauthn/browser');
    const optionsJSON = await request<never>('POST', '/api/me/mfa/passkeys/authenticate/options');
    const body = await startAuthentication({ optionsJSON });
    return (await request<{ token: string }>('POST', '/api/me/mfa/passkeys/authenticate/verify', { body }))
      .token;
  },
  supportsPasskeys: () => typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function',
};
