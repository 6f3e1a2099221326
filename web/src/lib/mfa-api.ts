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
};
