/**
 * The rules a chat line passes before it is fanned out: bans, mutes, slow mode and a per-user
 * burst limit; profanity and the show's own blocked words; "comment to buy"; the reaction set.
 * Pure: ChatService reads each user's recent send times from its ChatPace (memory on one node,
 * Redis shared by every node in scale-out) and asks `chatAllowed` with the clock's `now`.
 */
import {
  asteriskCensorStrategy,
  englishDataset,
  englishRecommendedBlacklistMatcherTransformers,
  englishRecommendedTransformers,
  RegExpMatcher,
  TextCensor,
} from 'obscenity';
import { blockedWordMatches } from './blocked-words.ts';
import { LOOK_ALIKE_TRANSFORMERS, spacedMatches } from './obfuscation.ts';

// ---------------------------------------------------------------------------------------------
// Rate limit and slow mode

/** The burst limit counts a user's lines over this sliding window. */
export const CHAT_RATE_WINDOW_MS = 10_000;
/** 5 lines per 10 s keeps a fast typist in, and one viewer from flooding a busy room. */
export const DEFAULT_CHAT_BURST = 5;

export interface ChatContext {
  readonly now: number;
  /** When this user's last line in this room was accepted; undefined if never. */
  readonly lastMessageAt: number | undefined;
  /** The room's slow mode: one line per user per this many seconds; 0 = off. */
  readonly slowModeSeconds: number;
  /** This user's accepted lines in the last `CHAT_RATE_WINDOW_MS` (older ones are ignored). */
  readonly recentTimestamps: readonly number[];
  readonly perUserBurst?: number;
  readonly muted: boolean;
  readonly banned: boolean;
  /** Host and moderators: not held by slow mode or the burst limit (still by a ban or mute). */
  readonly privileged?: boolean;
}

interface Refused<C extends string, X> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
  readonly extra: X;
}

type NoFacts = Record<string, never>;

export type ChatDecision =
  | { readonly ok: true }
  | Refused<'banned', NoFacts>
  | Refused<'muted', NoFacts>
  | Refused<'slow_mode', { readonly retryAfterMs: number; readonly slowModeSeconds: number }>
  | Refused<
      'chat_rate_limited',
      { readonly retryAfterMs: number; readonly limit: number; readonly windowMs: number }
    >;

export type ChatRefusalCode = Exclude<ChatDecision, { ok: true }>['code'];

/** Milliseconds until slow mode lets this user speak again; 0 when it does now. */
function slowModeWait(ctx: ChatContext): number {
  if (ctx.slowModeSeconds <= 0 || ctx.lastMessageAt === undefined) return 0;
  return Math.max(0, ctx.lastMessageAt + ctx.slowModeSeconds * 1000 - ctx.now);
}

/** Milliseconds until enough of this user's recent lines leave the window; 0 when under the limit. */
function burstWait(ctx: ChatContext, limit: number): number {
  const inWindow = ctx.recentTimestamps
    .filter((t) => t > ctx.now - CHAT_RATE_WINDOW_MS && t <= ctx.now)
    .sort((a, b) => a - b);
  if (inWindow.length < limit) return 0;
  // After one more line at most limit - 1 may remain: wait for the extra ones to expire.
  const release = inWindow[inWindow.length - limit] ?? ctx.now;
  return Math.max(1, release + CHAT_RATE_WINDOW_MS - ctx.now);
}

/**
 * May this user post a line now? Bans and mutes hold everyone. When slow mode and the burst
 * limit both hold a user, the longer wait is the one reported: retrying after the shorter one
 * would only be refused again.
 */
export function chatAllowed(ctx: ChatContext): ChatDecision {
  if (ctx.banned) return { ok: false, code: 'banned', message: 'You are banned from this chat', extra: {} };
  if (ctx.muted) return { ok: false, code: 'muted', message: 'You are muted in this chat', extra: {} };
  if (ctx.privileged) return { ok: true };
  const limit = Math.max(1, ctx.perUserBurst ?? DEFAULT_CHAT_BURST);
  const slow = slowModeWait(ctx);
  const burst = burstWait(ctx, limit);
  if (slow === 0 && burst === 0) return { ok: true };
  if (slow >= burst) {
    const message = `Slow mode is on: one message every ${ctx.slowModeSeconds} s`;
    return {
      ok: false,
      code: 'slow_mode',
      message,
      extra: { retryAfterMs: slow, slowModeSeconds: ctx.slowModeSeconds },
    };
  }
  return {
    ok: false,
    code: 'chat_rate_limited',
    message: 'You are sending messages too fast',
    extra: { retryAfterMs: burst, limit, windowMs: CHAT_RATE_WINDOW_MS },
  };
}

// ---------------------------------------------------------------------------------------------
// Profanity

let profanityMatcher: RegExpMatcher | undefined;
const matcher = () => {
  // Built on first use: compiling the dataset costs a few milliseconds nobody should pay at import.
  profanityMatcher ??= new RegExpMatcher({
    ...englishDataset.build(),
    ...englishRecommendedTransformers,
    blacklistMatcherTransformers: [
      ...LOOK_ALIKE_TRANSFORMERS,
      ...englishRecommendedBlacklistMatcherTransformers,
    ],
  });
  return profanityMatcher;
};
const censorer = new TextCensor().setStrategy(asteriskCensorStrategy());

/**
 * True when the text holds a profanity or one of the show's `blockedWords` (a list as
 * `checkBlockedWords` stores it), obfuscated spellings included (leet, look-alikes, spacing).
 */
export function containsProfanity(text: string, blockedWords: readonly string[] = []): boolean {
  return (
    matcher().hasMatch(text) ||
    spacedMatches(text, matcher()).length > 0 ||
    blockedWordMatches(text, blockedWords).length > 0
  );
}

/** The text with every profanity and blocked word replaced by asterisks; clean text comes back unchanged. */
export function censor(text: string, blockedWords: readonly string[] = []): string {
  const matches = [
    ...matcher().getAllMatches(text),
    ...spacedMatches(text, matcher()),
    ...blockedWordMatches(text, blockedWords),
  ];
  return matches.length === 0 ? text : censorer.applyTo(text, matches);
}

// ---------------------------------------------------------------------------------------------
// Comment to buy, reactions

/**
 * A chat line that is exactly the host's keyword ("sold") buys the featured item. Exactly:
 * "sold out?" or "not sold" must never buy. Case and surrounding spaces do not matter, and
 * NFKC folds look-alike forms such as full-width letters from mobile keyboards.
 */
export function isCommentToBuy(text: string, keyword: string): boolean {
  const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const wanted = fold(keyword);
  return wanted !== '' && fold(text) === wanted;
}

export const REACTIONS = ['heart', 'fire', 'laugh', 'wow', 'clap'] as const;
export type Reaction = (typeof REACTIONS)[number];

export function isReaction(value: unknown): value is Reaction {
  return typeof value === 'string' && (REACTIONS as readonly string[]).includes(value);
}
