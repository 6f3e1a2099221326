/**
 * How chat disguises a word, shared by the profanity filter and a show's own blocked words:
 * characters read before obscenity's look-alike table, and letters spaced apart.
 */
import {
  createSimpleTransformer,
  type MatchPayload,
  type RegExpMatcher,
  remapCharactersTransformer,
  type TransformerContainer,
} from 'obscenity';

/**
 * Invisible characters slipped inside a word ("f\u200Buck", "fu\u0336ck"): zero-width space,
 * joiners, word joiner, soft hyphen, byte-order mark, and combining marks (strike-through,
 * decomposed accents). obscenity keeps them, so the word no longer reads as one.
 */
const INVISIBLE = new Set([0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const isCombiningMark = (c: number) => c >= 0x0300 && c <= 0x036f;

/**
 * obscenity's confusables table reads the I-like letters of Greek and Cyrillic (ι, Ι, І, Ӏ)
 * and the dotless ı as "l", so "shιt" and an all-capitals "SHІT" slipped through. In a word
 * meant to be read as English they stand for "i".
 */
const I_LIKE = 'ιΙІӀı';

/** Run before obscenity's own transformers (confusables, leetspeak, lower case, duplicates). */
export const LOOK_ALIKE_TRANSFORMERS: readonly TransformerContainer[] = [
  createSimpleTransformer((c) => (INVISIBLE.has(c) || isCombiningMark(c) ? undefined : c)),
  remapCharactersTransformer({ i: I_LIKE }),
];

/**
 * Single characters split by spaces, dots, dashes or underscores ("f u c k", "s.h.i.t"): the
 * transformers read across neither, by design, so these runs are joined and checked on their
 * own. Three characters at least, so ordinary "a" and "I" do not start a run.
 */
const SPACED_RUN = /(?<=^|[\s._-])[^\s._-](?:[\s._-]+[^\s._-](?=$|[\s._-])){2,}/gu;
const SPACED_CHAR = /[^\s._-]/gu;

/** Matches `matcher` finds in the spaced-out runs of `text`, with indices in `text`. */
export function spacedMatches(text: string, matcher: RegExpMatcher): MatchPayload[] {
  const found: MatchPayload[] = [];
  for (const run of text.matchAll(SPACED_RUN)) {
    const start = run.index;
    // Original index of every UTF-16 unit of the joined string.
    const origin: number[] = [];
    let joined = '';
    for (const ch of run[0].matchAll(SPACED_CHAR)) {
      for (let k = 0; k < ch[0].length; k++) origin.push(start + ch.index + k);
      joined += ch[0];
    }
    for (const m of matcher.getAllMatches(joined)) {
      const startIndex = origin[m.startIndex] ?? start;
      const endIndex = origin[m.endIndex] ?? start;
      found.push({
        ...m,
        startIndex,
        endIndex,
        matchLength: [...text.slice(startIndex, endIndex + 1)].length,
      });
    }
  }
  return found;
}
