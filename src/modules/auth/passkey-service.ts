import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Sql, Store } from '../../platform/store/store.ts';

/** Where the ceremony happens: the relying party id (a domain) and the origins pages come from. */
export interface RelyingParty {
  readonly id: string;
  readonly origins: readonly string[];
}

/** A ceremony must finish within this (WebAuthn's own timeout is 60 s; some slack for slow hands). */
const CHALLENGE_TTL_MS = 5 * 60_000;
const RP_NAME = 'Flashmob';
type Purpose = 'register' | 'authenticate';

const rejected = (why: string, cause?: unknown) =>
  new AppError('passkey_rejected', why, cause === undefined ? {} : { cause });

/**
 * Passkeys (WebAuthn) as a second factor: register one, then authenticate with it to step up.
 * Not a sign-in method here: the session token says who the user is; the passkey proves presence.
 */
export class PasskeyService {
  constructor(private readonly o: { sql: Store; clock: Clock }) {}

  async registrationOptions(userId: string, rp: RelyingParty) {
    const [user] = await this.o.sql.query<{ email: string | null; name: string; is_guest: boolean }>(
      'select email, name, is_guest from users where id = $1',
      [userId],
    );
    if (!user || user.is_guest)
      throw new AppError('forbidden', 'A guest has no account to protect: register first');
    const existing = await this.credentials(this.o.sql, userId);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.id,
      userName: user.email ?? user.name,
      userDisplayName: user.name,
      userID: new TextEncoder().encode(userId),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.saveChallenge(userId, 'register', options.challenge);
    return options;
  }

  async register(
    userId: string,
    response: RegistrationResponseJSON,
    rp: RelyingParty,
  ): Promise<{ id: string }> {
    const expectedChallenge = await this.takeChallenge(userId, 'register');
    return this.o.sql.transaction(async (tx) => {
      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge,
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        requireUserVerification: false,
      }).catch((e: unknown) => {
        throw rejected('The passkey’s answer does not verify', e);
      });
      if (!result.verified) throw rejected('The passkey’s answer does not verify');
      const { credential } = result.registrationInfo;
      await tx.query(
        `insert into user_passkeys (id, user_id, public_key, counter, transports, created_at)
         values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing`,
        [
          credential.id,
          userId,
          Buffer.from(credential.publicKey).toString('base64url'),
          credential.counter,
          credential.transports ?? [],
          new Date(this.o.clock.now()),
        ],
      );
      return { id: credential.id };
    });
  }

  async authenticationOptions(userId: string, rp: RelyingParty) {
    const creds = await this.credentials(this.o.sql, userId);
    if (creds.length === 0) throw new AppError('mfa_not_active', 'This account has no passkey');
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: creds.map((c) => ({ id: c.id, transports: c.transports })),
      userVerification: 'preferred',
    });
    await this.saveChallenge(userId, 'authenticate', options.challenge);
    return options;
  }

  /** Verifies a passkey's signature over this user's pending challenge; throws `passkey_rejected`. */
  async authenticate(userId: string, response: AuthenticationResponseJSON, rp: RelyingParty): Promise<void> {
    const expectedChallenge = await this.takeChallenge(userId, 'authenticate');
    await this.o.sql.transaction(async (tx) => {
      const cred = (await this.credentials(tx, userId)).find((c) => c.id === response.id);
      if (!cred) throw rejected('That passkey is not one of this account’s');
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        credential: {
          id: cred.id,
          publicKey: cred.publicKey,
          counter: cred.counter,
          transports: cred.transports,
        },
        requireUserVerification: false,
      }).catch((e: unknown) => {
        throw rejected('The passkey’s answer does not verify', e);
      });
      if (!result.verified) throw rejected('The passkey’s answer does not verify');
      await tx.query('update user_passkeys set counter = $2 where id = $1', [
        cred.id,
        result.authenticationInfo.newCounter,
      ]);
    });
  }

  private async credentials(sql: Sql, userId: string) {
    const rows = await sql.query<{
      id: string;
      public_key: string;
      counter: string | number;
      transports: string[];
    }>(
      'select id, public_key, counter, transports from user_passkeys where user_id = $1 order by created_at',
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      publicKey: new Uint8Array(Buffer.from(r.public_key, 'base64url')),
      counter: Number(r.counter),
      transports: r.transports as AuthenticatorTransportFuture[],
    }));
  }

  private async saveChallenge(userId: string, purpose: Purpose, challenge: string): Promise<void> {
    await this.o.sql.query(
      `insert into webauthn_challenges (user_id, purpose, challenge, expires_at) values ($1, $2, $3, $4)
       on conflict (user_id, purpose) do update set challenge = excluded.challenge, expires_at = excluded.expires_at`,
      [userId, purpose, challenge, new Date(this.o.clock.now() + CHALLENGE_TTL_MS)],
    );
  }

  /** A challenge is used once: taken (deleted, committed) before the answer is checked. */
  private async takeChallenge(userId: string, purpose: Purpose): Promise<string> {
    const [row] = await this.o.sql.query<{ challenge: string; expires_at: Date }>(
      'delete from webauthn_challenges where user_id = $1 and purpose = $2 returning challenge, expires_at',
      [userId, purpose],
    );
    if (!row || row.expires_at.getTime() <= this.o.clock.now())
      throw rejected('No passkey ceremony is waiting: ask for options first');
    return row.challenge;
  }
}
