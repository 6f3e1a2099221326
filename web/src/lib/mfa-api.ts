import { call } from './http.ts';
import type { ApiBody } from './types.ts';

type RegisterBody = ApiBody<'/api/me/mfa/passkeys/register/verify', 'post'>;
type AuthenticateBody = ApiBody<'/api/me/mfa/passkeys/authenticate/verify', 'post'>;

/** The second-factor calls (README "Second factor and step-up"), typed by the contract. */
export const mfaApi = {
  status: () => call('get', '/api/me/mfa'),
  startTotp: () => call('post', '/api/me/mfa/totp'),
  confirmTotp: (code: string) => call('post', '/api/me/mfa/totp/confirm', { body: { code } }),
  disableTotp: (code: string) => call('post', '/api/me/mfa/totp/disable', { body: { code } }),
  /** A proof for 5 minutes, sent by `request` as the Flashmob-Step-Up header on the retried call. */
  stepUp: (code: string) => call('post', '/api/me/step-up', { body: { code } }),
  /**
   * Adds a passkey (WebAuthn create); the browser's library is loaded only when used. The
   * contract types WebAuthn's enumerations as strings; the library names them, hence the casts.
   */
  async addPasskey(): Promise<{ id: string }> {
    const { startRegistration } = await import('@simplewebauthn/browser');
    const options = await call('post', '/api/me/mfa/passkeys/register/options');
    type Options = Parameters<typeof startRegistration>[0]['optionsJSON'];
    const response = await startRegistration({ optionsJSON: options as unknown as Options });
    return call('post', '/api/me/mfa/passkeys/register/verify', { body: response as RegisterBody });
  },
  /** Steps up with a passkey (WebAuthn get): the proof's token. */
  async stepUpWithPasskey(): Promise<string> {
    const { startAuthentication } = await import('@simplewebauthn/browser');
    const options = await call('post', '/api/me/mfa/passkeys/authenticate/options');
    type Options = Parameters<typeof startAuthentication>[0]['optionsJSON'];
    const response = await startAuthentication({ optionsJSON: options as unknown as Options });
    const body = response as AuthenticateBody;
    return (await call('post', '/api/me/mfa/passkeys/authenticate/verify', { body })).token;
  },
  supportsPasskeys: () => typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function',
};
