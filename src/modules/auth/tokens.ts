import { webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role as UserRole } from '../../domain/policy.ts';
import { AppError } from '../../platform/errors.ts';

export { hasRole, ROLES, type Role as UserRole } from '../../domain/policy.ts';

export const ACCOUNT_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
export const GUEST_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const ISSUER = 'flashmob';
const AUDIENCE = 'flashmob-api';
/** Verified tokens kept for their lifetime, so that the claim hot path does not re-verify. */
const CACHE_MAX = 50_000;

/** Who is calling: decoded from a verified JWT. */
export interface Principal {
  readonly id: string;
  readonly role: UserRole;
  readonly guest: boolean;
}

export class TokenService {
  private readonly key: Uint8Array;
  /** Imported once: handing jose raw bytes would import the key again on every verify (3× slower). */
  private readonly cryptoKey: Promise<CryptoKey>;
  private readonly cache = new Map<string, { principal: Principal; exp: number }>();

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = new TextEncoder().encode(secret);
    this.cryptoKey = webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]) as Promise<CryptoKey>;
  }

  async sign(principal: Principal, ttlSeconds?: number): Promise<string> {
    const ttl = ttlSeconds ?? (principal.guest ? GUEST_TOKEN_TTL_SECONDS : ACCOUNT_TOKEN_TTL_SECONDS);
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ role: principal.role, guest: principal.guest })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(await this.cryptoKey);
  }

  /** Throws AppError('invalid_token') for anything but a valid, unexpired token of ours. */
  async verify(token: string): Promise<Principal> {
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp * 1000 > this.now()) return cached.principal;
      this.cache.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, await this.cryptoKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      const role = payload['role'];
      if (
        typeof payload.sub !== 'string' ||
        !ROLES.includes(role as UserRole) ||
        typeof payload.exp !== 'number'
      ) {
        throw new AppError('invalid_token', 'Token has an invalid payload');
      }
      const principal: Principal = {
        id: payload.sub,
        role: role as UserRole,
        guest: payload['guest'] === true,
      };
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(token, { principal, exp: payload.exp });
      return principal;
    } catch (e) {
      if (e instanceof AppError) throw e;
      const expired = e instanceof joseErrors.JWTExpired;
      throw new AppError('invalid_token', expired ? 'Token has expired' : 'Token is invalid', { cause: e });
    }
  }

  /** The key, for other signed artefacts of this server (admission tokens). */
  get secretKey(): Uint8Array {
    return this.key;
  }
}
