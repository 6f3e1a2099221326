import { createHash } from 'node:crypto';

/**
 * Links orders paid with the same method (the fraud rules' card velocity) without keeping what
 * could pay again: a SHA-256 of provider and token, never the token. A real provider's own card
 * fingerprint, where it offers one, is the better input (one card, many tokens).
 */
export function paymentFingerprint(provider: string, token: string): string {
  return createHash('sha256').update(`${provider}:${token}`).digest('hex');
}
