import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys for second-factor data, derived from the server secret (JWT_SECRET or the one kept in
 * DATA_DIR) with HKDF (RFC 5869), one key per purpose, so that a database dump alone gives away
 * neither TOTP secrets nor recovery codes.
 */
export class MfaKeys {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;
  readonly stepUpKey: Uint8Array;

  constructor(serverSecret: Uint8Array) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', serverSecret, 'flashmob-mfa', info, 32));
    this.encKey = derive('totp-secret-aes-256-gcm');
    this.hashKey = derive('recovery-code-hmac');
    this.stepUpKey = new Uint8Array(derive('step-up-proof-hs256'));
  }

  /** AES-256-GCM, a fresh 96-bit IV per secret: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
  seal(plain: string, userId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    // The user id as associated data: a sealed secret copied onto another account fails to open.
    cipher.setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string, userId: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown sealed-secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /**
   * A recovery code's stored form. A keyed hash, not a slow one: the codes carry 50 random bits
   * each, so there is no small space to brute-force, and without the key none at all.
   */
  hashCode(userId: string, code: string): string {
    return createHmac('sha256', this.hashKey)
      .update(`${userId}:${normaliseCode(code)}`)
      .digest('base64url');
  }
}

/** Recovery codes are typed by hand: case, spaces and dashes do not matter. */
export const normaliseCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/** Crockford-style alphabet without look-alikes (no i, l, o, u). */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** `xxxxx-xxxxx`: ten characters of a 32-letter alphabet, 50 bits. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += ALPHABET[b & 31];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}
