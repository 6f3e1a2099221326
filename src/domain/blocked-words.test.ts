import { describe, expect, it } from 'vitest';
import { blockedWordMatches, checkBlockedWords, MAX_BLOCKED_WORDS, readAs } from './blocked-words.ts';
import { censor, containsProfanity } from './chat-rules.ts';

const LIST = ['scam', 'dm me', 'whatsapp', 'boss', 'cunt', 'ass'];
const hit = (line: string, words: readonly string[] = LIST) => blockedWordMatches(line, words).length > 0;

describe('blocked words', () => {
  it.each([
    ['scam', 'plain'],
    ['SCAM', 'capitals'],
    ['this is a scam!', 'in a sentence, punctuation after'],
    ['(scam)', 'in brackets'],
    ['#scam', 'as a hashtag'],
    ['scams', 'plural'],
    ['s c a m', 'spaced'],
    ['s.c.a.m', 'dotted'],
    ['its a s c a m', 'spaced after a one-letter word'],
    ['scaaaaam', 'a stretched vowel'],
    ['sssscammm', 'stretched ends'],
    ['5c4m', 'leetspeak digits'],
    ['$c@m', 'leetspeak symbols'],
    ['ѕсаm', 'Cyrillic ѕ, с, а'],
    ['ЅСАМ', 'Cyrillic capitals'],
    ['ѕϲαm', 'Cyrillic and Greek'],
    ['ｓｃａｍ', 'full-width'],
    ['sc\u200bam', 'a zero-width space'],
    ['s c 4 m', 'spaced leetspeak'],
    ['dm me', 'a phrase'],
    ['DM-ME', 'a phrase, dashed'],
    ['dmme', 'a phrase, run together'],
    ['d m m e', 'a phrase, spaced'],
    ['wh4tsapp', 'leetspeak inside a longer word'],
    ['b0ss', 'a zero for an o'],
  ])('blocked words - "%s" (%s) is caught', (line) => {
    expect(hit(line)).toBe(true);
  });

  it.each([
    'Scunthorpe',
    'scampi',
    'classic',
    'class',
    'assistant',
    'passes',
    'bos',
    'bossy',
    'whats up',
    'I am a b c d fan',
    'is it in medium?',
    'dm',
  ])('blocked words - near-miss "%s" is not flagged', (line) => {
    expect(hit(line)).toBe(false);
  });

  it('blocked words - an empty list flags nothing', () => {
    expect(blockedWordMatches('scam', [])).toEqual([]);
  });

  it('blocked words - a word the host spells in disguise reads the same', () => {
    expect(readAs('5C4M')).toBe('scam');
    expect(readAs(' DM-me ')).toBe('dm me');
    expect(hit('scam', ['ѕсаm'])).toBe(true);
  });

  it('blocked words - a word in another script matches whatever the case', () => {
    expect(hit('ЖЕСТЬ', ['жесть'])).toBe(true);
    expect(hit('жесть', ['ЖЕСТЬ'])).toBe(true);
    expect(hit('ΗΕLLΟ', ['hello'])).toBe(true);
  });

  it('blocked words - in a script without spaces a word counts inside a line', () => {
    expect(hit('这是假货', ['假货'])).toBe(true);
    expect(hit('假货scam', ['scam'])).toBe(true);
  });

  it('blocked words - censoring masks the word and keeps the rest', () => {
    expect(censor('a scam, scampi and a 5c4m', ['scam'])).toBe('a ****, scampi and a ****');
    expect(censor('its a s c a m', ['scam'])).toBe('its a *******');
    expect(censor('sssscammm!', ['scam'])).toBe('*********!');
    expect(censor('scaaaam', ['scam'])).toBe('*******');
  });

  it('blocked words - the profanity filter still runs beside the list', () => {
    expect(censor('shit scam', ['scam'])).toBe('**** ****');
    expect(containsProfanity('love this jacket', ['scam'])).toBe(false);
    expect(containsProfanity('love this jacket', ['jacket'])).toBe(true);
  });

  it('blocked words - lists are matched by content, whatever the array', () => {
    expect(hit('scam', ['scam'])).toBe(true);
    expect(hit('scam', ['scam'])).toBe(true);
    expect(hit('scam', ['fake'])).toBe(false);
  });
});

describe('blocked words list', () => {
  it('blocked words list - words are folded, deduplicated, in order', () => {
    expect(checkBlockedWords(['  Scam ', 'SCAM', 'DM   me', 'ｆａｋｅ'])).toEqual({
      ok: true,
      words: ['scam', 'dm me', 'fake'],
    });
  });

  it('blocked words list - a word with nothing to read is refused', () => {
    expect(checkBlockedWords(['scam', '-- ..'])).toMatchObject({ ok: false, word: '-- ..' });
    expect(checkBlockedWords(['   '])).toMatchObject({ ok: false });
  });

  it('blocked words list - a word over 40 characters is refused', () => {
    expect(checkBlockedWords(['x'.repeat(41)])).toMatchObject({ ok: false });
    expect(checkBlockedWords(['x'.repeat(40)])).toMatchObject({ ok: true });
  });

  it('blocked words list - more than the maximum is refused', () => {
    const many = Array.from({ length: MAX_BLOCKED_WORDS + 1 }, (_, i) => `word${i}`);
    expect(checkBlockedWords(many)).toMatchObject({ ok: false });
    expect(checkBlockedWords(many.slice(1))).toMatchObject({ ok: true });
  });
});
