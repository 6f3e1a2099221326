import { describe, expect, it } from 'vitest';
import {
  CHAT_RATE_WINDOW_MS,
  type ChatContext,
  censor,
  chatAllowed,
  containsProfanity,
  isCommentToBuy,
  isReaction,
  REACTIONS,
  type Reaction,
} from './chat-rules.ts';

const T0 = 1_700_000_000_000;
const ctx = (over: Partial<ChatContext> = {}): ChatContext => ({
  now: T0,
  lastMessageAt: undefined,
  slowModeSeconds: 0,
  recentTimestamps: [],
  perUserBurst: 5,
  muted: false,
  banned: false,
  ...over,
});
/** n lines sent at `from`, `from + step`, … */
const sent = (n: number, from: number, step: number) => Array.from({ length: n }, (_, i) => from + i * step);

describe('chat rate limit', () => {
  it('chat rate limit - a first line is allowed', () => {
    expect(chatAllowed(ctx())).toEqual({ ok: true });
  });

  it('chat rate limit - a banned user is refused with banned', () => {
    expect(chatAllowed(ctx({ banned: true, muted: true }))).toMatchObject({ ok: false, code: 'banned' });
  });

  it('chat rate limit - a muted user is refused with muted', () => {
    expect(chatAllowed(ctx({ muted: true }))).toMatchObject({ ok: false, code: 'muted' });
  });

  it('chat rate limit - a privileged user is still held by a ban or a mute', () => {
    expect(chatAllowed(ctx({ privileged: true, banned: true }))).toMatchObject({ code: 'banned' });
    expect(chatAllowed(ctx({ privileged: true, muted: true }))).toMatchObject({ code: 'muted' });
  });

  it('chat rate limit - a line inside slow mode is refused with the time left', () => {
    const r = chatAllowed(ctx({ slowModeSeconds: 30, lastMessageAt: T0 - 10_000 }));
    expect(r).toMatchObject({
      ok: false,
      code: 'slow_mode',
      extra: { retryAfterMs: 20_000, slowModeSeconds: 30 },
    });
  });

  it('chat rate limit - a line once the slow mode interval has passed is allowed', () => {
    expect(chatAllowed(ctx({ slowModeSeconds: 30, lastMessageAt: T0 - 30_000 }))).toEqual({ ok: true });
  });

  it('chat rate limit - slow mode off lets a line follow straight after another', () => {
    expect(chatAllowed(ctx({ lastMessageAt: T0 - 1, recentTimestamps: [T0 - 1] }))).toEqual({ ok: true });
  });

  it('chat rate limit - lines under the burst limit are allowed', () => {
    expect(chatAllowed(ctx({ recentTimestamps: sent(4, T0 - 4000, 1000) }))).toEqual({ ok: true });
  });

  it('chat rate limit - a line over the burst limit is refused until the oldest leaves the window', () => {
    const r = chatAllowed(ctx({ recentTimestamps: sent(5, T0 - 4000, 1000) }));
    expect(r).toMatchObject({
      ok: false,
      code: 'chat_rate_limited',
      extra: { retryAfterMs: 6000, limit: 5, windowMs: CHAT_RATE_WINDOW_MS },
    });
  });

  it('chat rate limit - retrying after retryAfterMs is allowed', () => {
    const recentTimestamps = sent(5, T0 - 4000, 1000);
    expect(chatAllowed(ctx({ now: T0 + 6000, recentTimestamps }))).toEqual({ ok: true });
    expect(chatAllowed(ctx({ now: T0 + 5999, recentTimestamps }))).toMatchObject({
      code: 'chat_rate_limited',
    });
  });

  it('chat rate limit - lines older than the window are ignored', () => {
    const recentTimestamps = [...sent(20, T0 - 60_000, 100), ...sent(4, T0 - 3000, 500)];
    expect(chatAllowed(ctx({ recentTimestamps }))).toEqual({ ok: true });
  });

  it('chat rate limit - an unsorted list of recent lines gives the same wait', () => {
    const recentTimestamps = [T0 - 1000, T0 - 9000, T0 - 3000, T0 - 2000, T0 - 5000, T0 - 7000];
    // Six in the window, limit five: two must leave, the second oldest (T0 - 7000) at T0 + 3000.
    expect(chatAllowed(ctx({ recentTimestamps }))).toMatchObject({ extra: { retryAfterMs: 3000 } });
  });

  it('chat rate limit - the default burst is five lines per ten seconds', () => {
    const { perUserBurst: _, ...noBurst } = ctx();
    expect(chatAllowed({ ...noBurst, recentTimestamps: sent(4, T0 - 4000, 1000) })).toEqual({ ok: true });
    expect(chatAllowed({ ...noBurst, recentTimestamps: sent(5, T0 - 4000, 1000) })).toMatchObject({
      code: 'chat_rate_limited',
    });
  });

  it('chat rate limit - when slow mode and the burst both hold, the longer wait is reported', () => {
    const recentTimestamps = sent(5, T0 - 4000, 1000);
    expect(
      chatAllowed(ctx({ slowModeSeconds: 2, lastMessageAt: T0 - 1000, recentTimestamps })),
    ).toMatchObject({
      code: 'chat_rate_limited',
      extra: { retryAfterMs: 6000 },
    });
    expect(
      chatAllowed(ctx({ slowModeSeconds: 60, lastMessageAt: T0 - 1000, recentTimestamps })),
    ).toMatchObject({
      code: 'slow_mode',
      extra: { retryAfterMs: 59_000 },
    });
  });

  it('chat rate limit - a privileged user bypasses slow mode and the burst limit', () => {
    const busy = { slowModeSeconds: 60, lastMessageAt: T0 - 1, recentTimestamps: sent(50, T0 - 5000, 100) };
    expect(chatAllowed(ctx({ ...busy, privileged: true }))).toEqual({ ok: true });
  });
});

describe('profanity', () => {
  it.each(['fuck this', 'what the shit', 'you bitch'])('profanity - plain "%s" is caught', (line) => {
    expect(containsProfanity(line)).toBe(true);
  });

  it.each([
    'f u c k',
    'f.u.c.k this',
    's-h-i-t',
    'fμck',
    'fück',
    'sh1t',
    'sh!t',
    'b!tch',
    'FUCK',
    'fuuuuuck',
  ])('profanity - obfuscated "%s" is caught', (line) => {
    expect(containsProfanity(line)).toBe(true);
  });

  it.each([
    ['fаck', 'Cyrillic а'],
    ['fuсk', 'Cyrillic с'],
    ['ѕhit', 'Cyrillic ѕ'],
    ['shіt', 'Cyrillic і'],
    ['shιt', 'Greek ι'],
    ['SHІT', 'Cyrillic capital І'],
    ['BΙTCH', 'Greek capital Ι'],
    ['ВІТСН', 'Cyrillic capitals only'],
    ['dісk', 'Cyrillic і and с'],
    ['whоre', 'Cyrillic о'],
    ['fυck', 'Greek υ'],
    ['ｆｕｃｋ', 'full-width'],
    ['f\u200buck', 'a zero-width space'],
    ['fu\u0336c\u0336k', 'strike-through marks'],
    ['f u с k', 'Cyrillic с, spaced'],
  ])('profanity - look-alike "%s" (%s) is caught', (line) => {
    expect(containsProfanity(line)).toBe(true);
  });

  it.each([
    'Scunthorpe',
    'assistant',
    'classic',
    'cocktail',
    'grass is green',
    'I am a b c d fan',
    'u r a star',
    'love this jacket',
  ])('profanity - clean "%s" is not flagged', (line) => {
    expect(containsProfanity(line)).toBe(false);
  });

  it('profanity - censoring replaces the word with asterisks and keeps the rest', () => {
    expect(censor('this is shit lol')).toBe('this is **** lol');
  });

  it('profanity - censoring a spaced-out word covers the whole run', () => {
    expect(censor('oh f u c k no')).toBe('oh ******* no');
  });

  it('profanity - censoring a Cyrillic look-alike masks the whole word', () => {
    expect(censor('what the ЅНІТ')).toBe('what the ****');
  });

  it('profanity - censoring clean text returns it unchanged', () => {
    const line = 'Scunthorpe classic assistant';
    expect(censor(line)).toBe(line);
  });
});

describe('comment to buy', () => {
  it.each(['sold', 'SOLD', ' sold ', 'Sold\n', 'ｓｏｌｄ'])(
    'comment to buy - "%s" matches the keyword',
    (line) => {
      expect(isCommentToBuy(line, 'sold')).toBe(true);
    },
  );

  it.each(['sold out?', 'not sold', 'sold!', 'so ld', 'is it sold', ''])(
    'comment to buy - "%s" does not match the keyword',
    (line) => {
      expect(isCommentToBuy(line, 'sold')).toBe(false);
    },
  );

  it('comment to buy - the keyword itself is case-insensitive', () => {
    expect(isCommentToBuy('mine', ' MINE ')).toBe(true);
  });

  it('comment to buy - an empty keyword never matches', () => {
    expect(isCommentToBuy('', '')).toBe(false);
    expect(isCommentToBuy('   ', ' ')).toBe(false);
  });
});

describe('reactions', () => {
  it('reactions - the set is heart, fire, laugh, wow, clap', () => {
    const all: readonly Reaction[] = REACTIONS;
    expect(all).toEqual(['heart', 'fire', 'laugh', 'wow', 'clap']);
  });

  it('reactions - isReaction accepts the set and nothing else', () => {
    expect(REACTIONS.every(isReaction)).toBe(true);
    for (const v of ['poop', 'HEART', '', 1, undefined]) expect(isReaction(v)).toBe(false);
  });
});
