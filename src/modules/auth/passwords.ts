import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet (2025) for scrypt: N=2^17, r=8, p=1 (128 MiB, ~0.5 s on
 * this kind of machine, on libuv's thread pool, not the event loop). Hashes made with weaker
 * parameters (2^15 before) are rehashed when their owner next signs in (`needsRehash`).
 * argon2id would be the first choice, but Node 20 has none built in and the pure-JS/WASM ones
 * run on the event loop, where half a second of hashing stalls every claim of the node.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** A stored hash asking for more than this is not one of ours: refused, never computed. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** scrypt needs 128·N·r·p bytes; Node refuses above `maxmem` (32 MiB by default). */
const maxmemFor = (s: ScryptParams) => 128 * s.N * s.r * s.p + 4 * 1024 * 1024;

function derive(password: string, salt: Buffer, s: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { N: s.N, r: s.r, p: s.p, maxmem: maxmemFor(s) },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** `scrypt$N$r$p$salt$key` (base64url): the parameters travel with the hash. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed extends ScryptParams {
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return undefined;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  const sane = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  if (!sane(N, MAX_N) || !sane(R, MAX_R) || !sane(P, MAX_P)) return undefined;
  return { N, r: R, p: P, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed);
  return actual.length === parsed.key.length && timingSafeEqual(actual, parsed.key);
}

/** Whether a stored hash was made with weaker parameters than `target` (rehash it at sign-in). */
export function needsRehash(stored: string, target: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.N < target.N || parsed.r < target.r || parsed.p < target.p || parsed.key.length < KEY_LENGTH;
}
