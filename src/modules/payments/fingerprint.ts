import { createHash } from 'node:crypto';

/**
 * Links orders paid with the same method (the fraud rules' card velocity) without keeping what
 * could pay again: a SHA-256 of the provider's name and what identifies the card, never the token
 * in clear. A real provider's own card fingerprint, where it offers one, is the better input.
 */
export function paymentFingerprint(provider: string, card: string): string {
  return createHash('sha256').update(`${provider}:${card}`).digest('hex');
}
