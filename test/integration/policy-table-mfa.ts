import { generateSync } from 'otplib';
import type { RoleName, World } from '../factories/world.ts';
import type { PolicyRow } from './policy-table.ts';

// The second-factor routes' rows of the route × role table (spread into POLICY_TABLE).

const url = (u: string, body?: unknown) => ({ url: u, ...(body === undefined ? {} : { body }) });
const EMPTY_RECOVERY_CODE = 'aaaaa-aaaaa';
const FAKE_CREDENTIAL = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {} };

/** The role's TOTP enrolled afresh (via the service); one of its recovery codes to act with. */
async function freshFactor(w: World, role: RoleName): Promise<string> {
  if (role === 'anon') return EMPTY_RECOVERY_CODE;
  const id = w.actors[role].id;
  const mfa = w.t.fm.services.mfa;
  await w.t.fm.store.query('delete from user_totp where user_id = $1', [id]);
  if (role === 'guest') return EMPTY_RECOVERY_CODE; // guests cannot enrol: 409 mfa_not_active
  const { secret } = await mfa.startTotp(id);
  const code = generateSync({ secret, epoch: Math.floor(w.t.fm.clock.now() / 1000) });
  const { recoveryCodes } = await mfa.confirmTotp(id, code);
  return recoveryCodes[0] ?? EMPTY_RECOVERY_CODE;
}
export const SECOND_FACTOR_ROWS: Record<string, PolicyRow> = {
  'GET /api/me/mfa': { call: () => url('/api/me/mfa') },
  // A guest has no account to protect: 403.
  'POST /api/me/mfa/totp': {
    owners: ['buyer', 'otherBuyer', 'mod', 'host', 'otherHost', 'admin'],
    call: async (w, role) => {
      if (role !== 'anon')
        await w.t.fm.store.query('delete from user_totp where user_id = $1', [w.actors[role].id]);
      return url('/api/me/mfa/totp');
    },
  },
  // Each role confirms its own pending enrolment with a right code (a guest has none: 409).
  'POST /api/me/mfa/totp/confirm': {
    call: async (w, role) => {
      if (role === 'anon' || role === 'guest') return url('/api/me/mfa/totp/confirm', { code: '000000' });
      const id = w.actors[role].id;
      await w.t.fm.store.query('delete from user_totp where user_id = $1', [id]);
      const { secret } = await w.t.fm.services.mfa.startTotp(id);
      const code = generateSync({ secret, epoch: Math.floor(w.t.fm.clock.now() / 1000) });
      return url('/api/me/mfa/totp/confirm', { code });
    },
  },
  'POST /api/me/mfa/totp/disable': {
    call: async (w, role) => url('/api/me/mfa/totp/disable', { code: await freshFactor(w, role) }),
  },
  // A guest has no account to add a passkey to: 403. The made-up answers below never verify
  // (422 passkey_rejected), and nobody here has a passkey to step up with (409).
  'POST /api/me/mfa/passkeys/register/options': {
    owners: ['buyer', 'otherBuyer', 'mod', 'host', 'otherHost', 'admin'],
    // Left without a factor by the rows before (else adding one needs a step-up).
    call: async (w, role) => {
      if (role !== 'anon')
        await w.t.fm.store.query('delete from user_totp where user_id = $1', [w.actors[role].id]);
      return url('/api/me/mfa/passkeys/register/options');
    },
  },
  'POST /api/me/mfa/passkeys/register/verify': {
    call: () =>
      url('/api/me/mfa/passkeys/register/verify', {
        ...FAKE_CREDENTIAL,
        response: { clientDataJSON: 'e30', attestationObject: 'oA' },
      }),
  },
  'POST /api/me/mfa/passkeys/authenticate/options': {
    call: () => url('/api/me/mfa/passkeys/authenticate/options'),
  },
  'POST /api/me/mfa/passkeys/authenticate/verify': {
    call: () =>
      url('/api/me/mfa/passkeys/authenticate/verify', {
        ...FAKE_CREDENTIAL,
        response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
      }),
  },
  'POST /api/me/step-up': {
    call: async (w, role) => url('/api/me/step-up', { code: await freshFactor(w, role) }),
  },
};
