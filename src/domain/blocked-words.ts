/**
 * A show's own blocked words: a host lists words or phrases ("scam", "dm me") and chat masks
 * them in the disguises the profanity filter reads: spaced ("s c a m"), stretched ("scaaam"),
 * leetspeak ("5c4m"), look-alike letters (Cyrillic, Greek, full-width). Each word becomes an
 * obscenity pattern over the word as obscenity's transformers read it, so the host's spelling
 * and the viewer's disguise meet in the same form. Pure; matchers are cached per list.
 */
import {
  collapseDuplicatesTransformer,
  createSimpleTransformer,
  type LiteralNode,
  type MatchPayload,
  type Node,
  type ParsedPattern,
  RegExpMatcher,
  remapCharactersTransformer,
  resolveConfusablesTransformer,
  resolveLeetSpeakTransformer,
  SyntaxKind,
  type TransformerContainer,
} from 'obscenity';
import { LOOK_ALIKE_TRANSFORMERS, spacedMatches } from './obfuscation.ts';

/** A list a host can keep in mind: 200 words are 200 patterns, about 0.4 ms for a full 300-character line. */
export const MAX_BLOCKED_WORDS = 200;
export const MAX_BLOCKED_WORD_LENGTH = 40;
/** Lists compiled and kept: one per live show is the common case. */
const MAX_CACHED_LISTS = 256;

/** The one code point `s` is, if it is one ("İ" lowers to two). */
const single = (s: string): number | undefined => {
  const cps = [...s];
  return cps.length === 1 ? cps[0]?.codePointAt(0) : undefined;
};

const confusables = resolveConfusablesTransformer().transform;
/** Non-ASCII code points already folded: a chat repeats the same few. */
const folded = new Map<number, number>();

/**
 * obscenity's look-alike table, in either case: it maps some letters in one case only (Cyrillic
 * "Ж" reads "X", "ж" stays), so a host's "жесть" and a viewer's "ЖЕСТЬ" would read apart. The
 * letter, its lower case and its upper case are tried for a Latin look-alike; a letter with
 * none is lowered, so words in other scripts still match whatever the case.
 */
const foldLookAlikes = createSimpleTransformer((c) => {
  if (c < 0x80) return confusables(c);
  let f = folded.get(c);
  if (f === undefined) {
    f = foldOne(c);
    if (folded.size >= 10_000) folded.clear();
    folded.set(c, f);
  }
  return f;
});

function foldOne(c: number): number {
  const ch = String.fromCodePoint(c);
  const lower = single(ch.toLowerCase());
  for (const v of [c, lower, single(ch.toUpperCase())]) {
    const r = v === undefined ? undefined : confusables(v);
    if (r !== undefined && r < 0x80) return r;
  }
  return lower ?? c;
}

/** Lower case, for the ASCII capitals the look-alike table and leetspeak give back. */
const toLowerCase = createSimpleTransformer((c) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c));

/**
 * Both the host's words and each chat line are read through these. Unlike the English preset,
 * every letter keeps up to two repeats: "scaaam" reads "scaam", which the pattern for "scam"
 * accepts, while a list word spelt with a double letter ("boss") still needs it ("bos" is not
 * "boss"). Dashes, dots and underscores read as spaces, so "dm-me" is "dm me".
 */
const WORD_TRANSFORMERS: readonly TransformerContainer[] = [
  ...LOOK_ALIKE_TRANSFORMERS,
  foldLookAlikes,
  resolveLeetSpeakTransformer(),
  toLowerCase,
  remapCharactersTransformer({ ' ': '-_.' }),
  collapseDuplicatesTransformer({ defaultThreshold: 2, customThresholds: new Map([[' ', 1]]) }),
];

/** The text as the matcher reads it, code point by code point (repeats collapsed, look-alikes resolved). */
function read(text: string): string {
  const steps = WORD_TRANSFORMERS.map((t) => {
    if ('transform' in t) return t.transform;
    const state = t.factory();
    return (c: number) => state.transform(c);
  });
  let out = '';
  for (const ch of text) {
    let c: number | undefined = ch.codePointAt(0);
    for (const step of steps) {
      if (c === undefined) break;
      c = step(c);
    }
    if (c !== undefined) out += String.fromCodePoint(c);
  }
  return out;
}

/** A word as the matcher reads it: "5C4M" → "scam", "Ѕсаааm" → "scaam", " dm-me " → "dm me". */
export const readAs = (word: string): string => read(word).trim();

export type BlockedWordsCheck =
  | { readonly ok: true; readonly words: string[] }
  | { readonly ok: false; readonly word: string; readonly message: string };

/**
 * A host's list as stored: folded (NFKC, lower case, single spaces), duplicates dropped, order
 * kept. Refused when too long, or when a word is empty or has nothing the matcher can read.
 */
export function checkBlockedWords(input: readonly string[]): BlockedWordsCheck {
  const words = [...new Set(input.map((w) => w.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase()))];
  if (words.length > MAX_BLOCKED_WORDS) {
    return { ok: false, word: '', message: `At most ${MAX_BLOCKED_WORDS} blocked words` };
  }
  for (const word of words) {
    if (word.length === 0 || word.length > MAX_BLOCKED_WORD_LENGTH) {
      return { ok: false, word, message: `A blocked word has 1 to ${MAX_BLOCKED_WORD_LENGTH} characters` };
    }
    if (!/[\p{L}\p{N}]/u.test(readAs(word))) {
      return { ok: false, word, message: 'A blocked word needs a letter or a digit' };
    }
  }
  return { ok: true, words };
}

const literal = (s: string): LiteralNode => ({
  kind: SyntaxKind.Literal,
  chars: [...s].map((c) => c.codePointAt(0) ?? 0),
});
const optional = (s: string): Node => ({ kind: SyntaxKind.Optional, childNode: literal(s) });

/** "scam" → s[s]c[c]a[a]m[m]: a single letter may be doubled, a double one must stay; spaces may go. */
function nodesOf(read: string): Node[] {
  const nodes: Node[] = [];
  const chars = [...read];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === ' ') nodes.push(optional(' '));
    else if (chars[i + 1] === c) {
      nodes.push(literal(c + c));
      i++;
    } else nodes.push(literal(c), optional(c));
  }
  return nodes;
}

/**
 * The word as a whole word, or with a plural "s" ("scam", "scams", "5c4m5"). Other endings are
 * left to the host to list: "pin" should not mask "pine", nor "scam" "scampi". Word boundaries
 * are checked on the original text (see `standsAlone`), not by the pattern: obscenity checks
 * them after leetspeak, where the "!" of "scam!" reads as a letter.
 */
const patternOf = (read: string): ParsedPattern => ({
  nodes: [...nodesOf(read), optional('s')],
  requireWordBoundaryAtStart: false,
  requireWordBoundaryAtEnd: false,
});

function compile(words: readonly string[]): RegExpMatcher | undefined {
  const reads = [...new Set(words.map(readAs))].filter((r) => r !== '');
  if (reads.length === 0) return undefined;
  return new RegExpMatcher({
    blacklistedTerms: reads.map((r, id) => ({ id, pattern: patternOf(r) })),
    blacklistMatcherTransformers: [...WORD_TRANSFORMERS],
  });
}

/** The show object is cached by the chat for a second: most lines find their list by identity. */
const byList = new WeakMap<readonly string[], RegExpMatcher | undefined>();
/** Then by content, least recently used first out. */
const byContent = new Map<string, RegExpMatcher | undefined>();

function matcherFor(words: readonly string[]): RegExpMatcher | undefined {
  if (byList.has(words)) return byList.get(words);
  const key = words.join('\n');
  let matcher = byContent.get(key);
  if (matcher !== undefined || byContent.has(key)) byContent.delete(key);
  else matcher = compile(words);
  byContent.set(key, matcher);
  if (byContent.size > MAX_CACHED_LISTS) {
    const oldest = byContent.keys().next();
    if (!oldest.done) byContent.delete(oldest.value);
  }
  byList.set(words, matcher);
  return matcher;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * The match with the characters after it that read as nothing more: the collapsed repeats
 * and invisible characters of "sssscammm" or "scam\u200B", so its end is where the word ends
 * and the whole of it is masked.
 */
function throughRepeats(text: string, m: MatchPayload): MatchPayload {
  const matched = read(text.slice(m.startIndex, m.endIndex + 1));
  let end = m.endIndex;
  for (let next = text.codePointAt(end + 1); next !== undefined; next = text.codePointAt(end + 1)) {
    const width = next > 0xffff ? 2 : 1;
    if (read(text.slice(m.startIndex, end + 1 + width)) !== matched) break;
    end += width;
  }
  // One asterisk per character written, as for a spaced-out run.
  return { ...m, endIndex: end, matchLength: [...text.slice(m.startIndex, end + 1)].length };
}

/** Scripts written without spaces between words: a word there has no edge to check. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const joined = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  WORD_CHAR.test(a) &&
  WORD_CHAR.test(b) &&
  !UNSPACED.test(a) &&
  !UNSPACED.test(b);

const charBefore = (text: string, i: number) => [...text.slice(Math.max(0, i - 2), i)].pop();
const charAt = (text: string, i: number) => {
  const c = text.codePointAt(i);
  return c === undefined ? undefined : String.fromCodePoint(c);
};

/** Not inside a longer word: "scam" in "a scam!", not in "scampi"; "假货" in "这是假货". */
function standsAlone(text: string, m: MatchPayload): boolean {
  return (
    !joined(charBefore(text, m.startIndex), charAt(text, m.startIndex)) &&
    !joined(charBefore(text, m.endIndex + 1), charAt(text, m.endIndex + 1))
  );
}

/**
 * Where `text` holds one of `words` (a list as `checkBlockedWords` stores it), with indices in
 * `text`. Letters spaced apart carry no word boundaries, so in those runs a word counts anywhere.
 */
export function blockedWordMatches(text: string, words: readonly string[]): MatchPayload[] {
  if (words.length === 0) return [];
  const matcher = matcherFor(words);
  if (!matcher) return [];
  return [
    ...matcher
      .getAllMatches(text)
      .map((m) => throughRepeats(text, m))
      .filter((m) => standsAlone(text, m)),
    ...spacedMatches(text, matcher),
  ];
}
