import { webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { type Principal, ROLES, type Role as UserRole } from '../../domain/policy.ts';
import { type Cache, createCache, ttlOf } from '../../platform/cache.ts';
import { type Clock, systemClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { AccountState } from './account-states.ts';

export { hasRole, type Principal, ROLES, type Role as UserRole } from '../../domain/policy.ts';

export const ACCOUNT_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
export const GUEST_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const ISSUER = 'flashmob';
const AUDIENCE = 'flashmob-api';
/** Verified tokens kept for their lifetime, so that the claim hot path does not re-verify. */
const CACHE_MAX = 50_000;

/** Where a verified token's account is checked: its current version and suspension. */
export interface AccountGate {
  get(userId: string): Promise<AccountState | undefined>;
}

export class TokenService {
  private readonly key: Uint8Array;
  /** Imported once: handing jose raw bytes would import the key again on every verify (3× slower). */
  private readonly cryptoKey: Promise<CryptoKey>;
  /** Verified tokens, each until it expires. */
  private readonly cache: Cache<string, { principal: Principal; version: number }>;

  /**
   * With `accounts`, every verification also checks the account: a token signed before the
   * account's last change (role, password, suspension: its version moved on) is refused, and a
   * suspended account's tokens are refused with `account_suspended`.
   */
  constructor(
    secret: string,
    private readonly clock: Clock = systemClock,
    private readonly accounts?: AccountGate,
  ) {
    this.cache = createCache({ max: CACHE_MAX, clock });
    this.key = new TextEncoder().encode(secret);
    this.cryptoKey = webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]) as Promise<CryptoKey>;
  }

  /** `version`: the account's token version now (claim `tv`). */
  async sign(principal: Principal, opts: { version?: number; ttlSeconds?: number } = {}): Promise<string> {
    const ttl = opts.ttlSeconds ?? (principal.guest ? GUEST_TOKEN_TTL_SECONDS : ACCOUNT_TOKEN_TTL_SECONDS);
    const iat = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ role: principal.role, guest: principal.guest, tv: opts.version ?? 0 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(await this.cryptoKey);
  }

  /**
   * Throws AppError('invalid_token') for anything but a valid, unexpired, current token of ours,
   * and AppError('account_suspended') for a suspended account's.
   */
  async verify(token: string): Promise<Principal> {
    const { principal, version } = await this.decode(token);
    if (this.accounts) await this.assertCurrent(principal, version);
    return principal;
  }

  private async assertCurrent(principal: Principal, version: number): Promise<void> {
    const state = await (this.accounts as AccountGate).get(principal.id);
    // `revoked: true` tells a client (and the gateway's recheck) that signing in again is the cure.
    const revoked = { extra: { revoked: true } };
    if (!state) throw new AppError('invalid_token', 'This account no longer exists', revoked);
    if (state.suspended) throw new AppError('account_suspended', 'This account is suspended');
    if (state.version !== version) {
      throw new AppError(
        'invalid_token',
        'This token was revoked (the account changed): sign in again',
        revoked,
      );
    }
  }

  private async decode(token: string): Promise<{ principal: Principal; version: number }> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    try {
      const { payload } = await jwtVerify(token, await this.cryptoKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.clock.now()),
      });
      const role = payload['role'];
      // Tokens signed before versions existed carry none: version 0, every account's first.
      const version = payload['tv'] ?? 0;
      if (
        typeof payload.sub !== 'string' ||
        !ROLES.includes(role as UserRole) ||
        typeof payload.exp !== 'number' ||
        !Number.isInteger(version)
      ) {
        throw new AppError('invalid_token', 'Token has an invalid payload');
      }
      const principal: Principal = {
        id: payload.sub,
        role: role as UserRole,
        guest: payload['guest'] === true,
      };
      const decoded = { principal, version: version as number };
      this.cache.set(token, decoded, ttlOf(payload.exp * 1000 - this.clock.now()));
      return decoded;
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
