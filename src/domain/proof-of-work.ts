/**
 * Hashcash-style proof of work (Back, 2002) to price out bots at the waiting room's door: the
 * buyer must find a `solution` such that sha256(challenge ":" solution) starts with
 * `difficulty` zero bits, about 2^difficulty hashes. Stateless on the server: a challenge
 * carries its own sale, difficulty, expiry and nonce, signed with HMAC-SHA256, so verifying
 * needs only the secret. Single use is the adapter's job: it records `challengeId` until
 * `expiresAt`. Pure apart from `randomBytes` as the default nonce source.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const POW_VERSION = 'v1';
export const DEFAULT_CHALLENGE_TTL_SECONDS = 120;
/** 2^32 hashes is minutes of a phone's CPU: beyond that the challenge keeps people out, not bots. */
export const MAX_POW_DIFFICULTY = 32;
export const NONCE_BYTES = 16;
/** Solutions are short counters; the bound keeps a hostile client from making us hash megabytes. */
const SOLUTION_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
/** Sale ids are `sal_…`; no dots, which separate the challenge's fields. */
const SALE_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
const NONCE_HEX = /^[0-9a-f]{32}$/;
const MAC_HEX = /^[0-9a-f]{64}$/;
const DIFFICULTY_TEXT = /^(0|[1-9][0-9]?)$/;
const EXPIRES_TEXT = /^[1-9][0-9]{0,15}$/;

/** Refusal codes, for the error catalogue: bad shape, signature or sale; too late; not enough work. */
export const POW_REFUSAL_CODES = ['pow_invalid', 'pow_expired', 'pow_insufficient'] as const;
export type PowRefusalCode = (typeof POW_REFUSAL_CODES)[number];

export interface Challenge {
  readonly challenge: string;
  readonly difficulty: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface IssueOptions {
  readonly secret: Uint8Array | string;
  readonly saleId: string;
  /** Leading zero bits required of the hash. */
  readonly difficulty: number;
  readonly now: number;
  readonly ttlSeconds?: number;
  /** 16 random bytes for the nonce; drawn from the CSPRNG when absent. */
  readonly random?: Uint8Array;
}

/** The challenge and the claims it proves were issued by us. */
export interface VerifiedChallenge {
  /** Unique per challenge (the nonce): the adapter stores it until `expiresAt` to refuse reuse. */
  readonly challengeId: string;
  readonly expiresAt: number;
  readonly difficulty: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly value: VerifiedChallenge }
  | { readonly ok: false; readonly code: PowRefusalCode; readonly message: string };

export interface VerifyOptions {
  readonly secret: Uint8Array | string;
  readonly challenge: string;
  readonly solution: string;
  /** The sale the solution is presented for: a challenge from another sale is refused. */
  readonly saleId: string;
  readonly now: number;
  /** Refuse challenges issued at a lower difficulty than the sale now requires (host raised it). */
  readonly minDifficulty?: number;
}

const mac = (secret: Uint8Array | string, body: string) => createHmac('sha256', secret).update(body).digest();

/** Issues a signed challenge: `v1.<saleId>.<difficulty>.<expiresAtMs>.<nonceHex>.<macHex>`. */
export function issueChallenge(options: IssueOptions): Challenge {
  const { saleId, difficulty, now } = options;
  if (!SALE_ID_PATTERN.test(saleId)) throw new RangeError(`sale id not usable in a challenge: ${saleId}`);
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > MAX_POW_DIFFICULTY) {
    throw new RangeError(`difficulty must be an integer in [0, ${MAX_POW_DIFFICULTY}]: ${difficulty}`);
  }
  const random = options.random ?? randomBytes(NONCE_BYTES);
  if (random.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes`);
  const expiresAt = Math.floor(now + (options.ttlSeconds ?? DEFAULT_CHALLENGE_TTL_SECONDS) * 1000);
  const body = [POW_VERSION, saleId, difficulty, expiresAt, Buffer.from(random).toString('hex')].join('.');
  return { challenge: `${body}.${mac(options.secret, body).toString('hex')}`, difficulty, expiresAt };
}

/**
 * Number of zero bits before the first one bit. The browser solver (src/client/pow.ts, hashing
 * with @noble/hashes) has its own copy that must count the same way.
 */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** What is hashed for a candidate solution; the browser solver must hash the same UTF-8 text. */
export const powInput = (challenge: string, solution: string) => `${challenge}:${solution}`;

export function powDigest(challenge: string, solution: string): Uint8Array {
  return createHash('sha256').update(powInput(challenge, solution)).digest();
}

/**
 * Finds the first decimal counter (from 0) whose hash has `difficulty` leading zero bits; about
 * 2^difficulty tries on average. undefined only if `maxIterations` tries were not enough.
 * Synchronous: the client runs it off the main thread (Web Worker, worker thread).
 */
export function solve(
  challenge: string,
  difficulty: number,
  maxIterations: number = Number.MAX_SAFE_INTEGER,
): string | undefined {
  for (let counter = 0; counter < maxIterations; counter++) {
    const solution = counter.toString(10);
    if (leadingZeroBits(powDigest(challenge, solution)) >= difficulty) return solution;
  }
  return undefined;
}

interface ParsedChallenge {
  readonly body: string;
  readonly saleId: string;
  readonly difficulty: number;
  readonly expiresAt: number;
  readonly nonce: string;
  readonly mac: string;
}

function parseChallenge(challenge: string): ParsedChallenge | undefined {
  const parts = challenge.split('.');
  if (parts.length !== 6) return undefined;
  const [version, saleId, difficulty, expiresAt, nonce, macHex] = parts;
  if (version !== POW_VERSION || saleId === undefined || !SALE_ID_PATTERN.test(saleId)) return undefined;
  if (difficulty === undefined || !DIFFICULTY_TEXT.test(difficulty)) return undefined;
  if (expiresAt === undefined || !EXPIRES_TEXT.test(expiresAt)) return undefined;
  if (nonce === undefined || !NONCE_HEX.test(nonce) || macHex === undefined || !MAC_HEX.test(macHex)) {
    return undefined;
  }
  const body = parts.slice(0, 5).join('.');
  return { body, saleId, difficulty: Number(difficulty), expiresAt: Number(expiresAt), nonce, mac: macHex };
}

const refuse = (code: PowRefusalCode, message: string): VerifyResult => ({ ok: false, code, message });

/**
 * Checks, in order: the shape, our signature (constant-time compare), the sale, the expiry and
 * the work. Expiry and difficulty are trusted only once the signature holds.
 */
export function verifySolution(options: VerifyOptions): VerifyResult {
  const parsed = parseChallenge(options.challenge);
  if (!parsed) return refuse('pow_invalid', 'The proof-of-work challenge is malformed.');
  const expected = mac(options.secret, parsed.body);
  if (!timingSafeEqual(expected, Buffer.from(parsed.mac, 'hex'))) {
    return refuse('pow_invalid', 'The proof-of-work challenge was not issued by this server.');
  }
  if (parsed.saleId !== options.saleId) {
    return refuse('pow_invalid', 'The proof-of-work challenge belongs to another sale.');
  }
  if (parsed.difficulty < (options.minDifficulty ?? 0)) {
    return refuse('pow_invalid', 'The sale now requires more work: request a new challenge.');
  }
  if (options.now >= parsed.expiresAt) {
    return refuse('pow_expired', 'The proof-of-work challenge has expired: request a new one.');
  }
  if (!SOLUTION_PATTERN.test(options.solution)) {
    return refuse('pow_invalid', 'The proof-of-work solution is malformed.');
  }
  if (leadingZeroBits(powDigest(options.challenge, options.solution)) < parsed.difficulty) {
    return refuse('pow_insufficient', 'The proof-of-work solution does not meet the difficulty.');
  }
  return {
    ok: true,
    value: { challengeId: parsed.nonce, expiresAt: parsed.expiresAt, difficulty: parsed.difficulty },
  };
}
