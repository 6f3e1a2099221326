import { randomBytes } from 'node:crypto';

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
} as const;
export type IdKind = keyof typeof ID_PREFIX;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** 16 random base36 characters (~82 bits) after the prefix: unguessable, URL-safe. */
export function newId(kind: IdKind): string {
  const bytes = randomBytes(16);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % 36];
  return `${ID_PREFIX[kind]}_${s}`;
}

export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIX[kind]}_[0-9a-z]{16}$`;
}
