import { webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

const AUDIENCE = 'flashmob-admission';
const ISSUER = 'flashmob';
/** Signed tokens kept per node: the admitted buyers of its sales at one time. */
const SIGNED_MAX = 50_000;

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
  private readonly verified = new Map<string, Admission>();
  /** Tokens signed, by ticket, with the admission they were signed for. */
  private readonly signed = new Map<string, { admission: Admission; token: string }>();

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
    if (this.signed.size >= SIGNED_MAX) this.forgetExpired(a.admittedAt);
    this.signed.set(a.ticketId, { admission: a, token });
    return token;
  }

  /** Drops the tokens expired by `now`; all of them if that leaves too many. */
  private forgetExpired(now: number): void {
    for (const [ticket, s] of this.signed) if (s.admission.expiresAt <= now) this.signed.delete(ticket);
    if (this.signed.size >= SIGNED_MAX) this.signed.clear();
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
        if (this.verified.size > 50_000) this.verified.clear();
        this.verified.set(token, a);
      } catch {
        return undefined;
      }
    }
    if (a.expiresAt <= now || a.buyerId !== buyerId || a.saleId !== saleId) return undefined;
    return a;
  }
}
