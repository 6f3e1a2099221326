import { randomFillSync } from 'node:crypto';

/** Type prefixes make every id say what it is (`sal_…`, `res_…`). */
export const ID_PREFIX = {
  user: 'usr',
  product: 'prd',
  variant: 'var',
  sale: 'sal',
  saleItem: 'itm',
  reservation: 'res',
  order: 'ord',
  payment: 'pay',
  waitlist: 'wl',
  event: 'evt',
  paymentMethod: 'pm',
  show: 'shw',
  auction: 'auc',
  bid: 'bid',
  poll: 'pol',
  giveaway: 'gvw',
  chat: 'msg',
  ticket: 'tkt',
  question: 'qst',
  faq: 'faq',
  claimBatch: 'cb',
  party: 'pty',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Random bytes drawn in blocks: one syscall per 256 ids instead of one per id (claim hot path). */
const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * 16 random base36 characters after the prefix: unguessable, URL-safe. Bytes ≥ 252 are skipped
 * so that every character is equally likely (252 = 7 × 36); ~82 bits of entropy.
 */
export function newId(kind: IdKind): string {
  let s = '';
  while (s.length < 16) {
    if (offset >= pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const b = pool[offset++] as number;
    if (b < 252) s += ALPHABET[b % 36];
  }
  return `${ID_PREFIX[kind]}_${s}`;
}

export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIX[kind]}_[0-9a-z]{16}$`;
}
