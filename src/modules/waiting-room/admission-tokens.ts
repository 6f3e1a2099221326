import { webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { type Cache, createCache } from '../../platform/cache.ts';

const AUDIENCE = 'flashmob-admission';
const ISSUER = 'flashmob';
/** Signed tokens kept per node: the admitted buyers of its sales at one time. */
const SIGNED_MAX = 50_000;
const VERIFIED_MAX = 50_000;

const sameAdmission = (a: Admission, b: Admission) =>
  a.buyerId === b.buyerId &&
  a.saleId === b.saleId &&
  a.admittedAt === b.admittedAt &&
  a.expiresAt === b.expiresAt;

export interface Admission {
  readonly buyerId: string;
  readonly saleId: string;
  readonly ticketId: string;
  readonly admittedAt: number;
  readonly expiresAt: number;
}

/**
 * Admission tokens: short-lived JWTs (HS256) bound to one buyer and one sale, which the claim
 * endpoint verifies without any lookup. Signing is deterministic for an admission (same claims,
 * same times), so every node hands out the same token for the same ticket; each node signs an
 * admission once and hands the same token to every poll of it (admitted buyers keep polling).
 */
export class AdmissionTokens {
  private readonly key: Promise<CryptoKey>;
  /** Tokens verified, with what they say (whether still valid is checked at each use). */
  private readonly verified = createCache<string, Admission>({ max: VERIFIED_MAX });
  /** Tokens signed, by ticket, with the admission they were signed for. */
  private readonly signed: Cache<string, { admission: Admission; token: string }> = createCache({
    max: SIGNED_MAX,
  });

  constructor(secret: Uint8Array) {
    this.key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]) as Promise<CryptoKey>;
  }

  async sign(a: Admission): Promise<string> {
    const known = this.signed.get(a.ticketId);
    if (known && sameAdmission(known.admission, a)) return known.token;
    const token = await this.signNew(a);
    this.signed.set(a.ticketId, { admission: a, token });
    return token;
  }

  private async signNew(a: Admission): Promise<string> {
    return new SignJWT({ sale: a.saleId, tkt: a.ticketId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(a.buyerId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(a.admittedAt / 1000))
      .setExpirationTime(Math.floor(a.expiresAt / 1000))
      .sign(await this.key);
  }

  /** The admission, if the token is ours, unexpired, and for this buyer and sale; else undefined. */
  async verify(token: string, buyerId: string, saleId: string, now: number): Promise<Admission | undefined> {
    let a = this.verified.get(token);
    if (!a) {
      try {
        const { payload } = await jwtVerify(token, await this.key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          currentDate: new Date(now),
        });
        if (
          typeof payload.sub !== 'string' ||
          typeof payload['sale'] !== 'string' ||
          typeof payload.exp !== 'number'
        ) {
          return undefined;
        }
        a = {
          buyerId: payload.sub,
          saleId: payload['sale'],
          ticketId: String(payload['tkt']),
          admittedAt: (payload.iat ?? 0) * 1000,
          expiresAt: payload.exp * 1000,
        };
        this.verified.set(token, a);
      } catch {
        return undefined;
      }
    }
    if (a.expiresAt <= now || a.buyerId !== buyerId || a.saleId !== saleId) return undefined;
    return a;
  }
}
