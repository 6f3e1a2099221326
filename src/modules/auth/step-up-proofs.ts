import { jwtVerify, SignJWT } from 'jose';
import { STEP_UP_TTL_SECONDS, type StepUpProof } from '../../domain/step-up.ts';
import type { Clock } from '../../platform/clock.ts';
import type { FactorKind } from './mfa-service.ts';

/** The request header that carries a step-up proof. */
export const STEP_UP_HEADER = 'flashmob-step-up';
const ISSUER = 'flashmob';
/** Its own audience and key: a step-up proof is never a session token, nor the reverse. */
const AUDIENCE = 'flashmob-step-up';

/** RFC 8176 `amr` values: `otp` (TOTP), `hwk` (a key-bound passkey); `rec` is ours. */
const AMR: Record<FactorKind, string> = { totp: 'otp', recovery: 'rec', passkey: 'hwk' };

/**
 * A short-lived signed proof that the user showed a second factor at `auth_time`. Stateless, so
 * every node checks it alone; it only ever widens what its own user's session may do, and lasts
 * `STEP_UP_TTL_SECONDS`.
 */
export class StepUpProofs {
  constructor(
    private readonly key: Uint8Array,
    private readonly clock: Clock,
  ) {}

  async issue(userId: string, factor: FactorKind): Promise<{ token: string; expiresAt: string }> {
    const authTime = Math.floor(this.clock.now() / 1000);
    const token = await new SignJWT({ amr: [AMR[factor]], auth_time: authTime })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(authTime)
      .setExpirationTime(authTime + STEP_UP_TTL_SECONDS)
      .sign(this.key);
    return { token, expiresAt: new Date((authTime + STEP_UP_TTL_SECONDS) * 1000).toISOString() };
  }

  /** The proof, or undefined for anything forged, expired or malformed (the caller is refused). */
  async read(token: string | undefined): Promise<StepUpProof | undefined> {
    if (!token || token.length > 2048) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.clock.now()),
      });
      const authTime = payload['auth_time'];
      if (typeof payload.sub !== 'string' || typeof authTime !== 'number') return undefined;
      return { userId: payload.sub, authTimeMs: authTime * 1000 };
    } catch {
      return undefined;
    }
  }
}
