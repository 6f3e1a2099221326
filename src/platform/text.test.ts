import { describe, expect, it } from 'vitest';
import { findUnsafeText, unsafeText } from './text.ts';

describe('text rules', () => {
  it('text - a single line refuses NUL, every C0 control, DEL and C1; printable Unicode passes', () => {
    for (const bad of ['a\u0000b', 'a\tb', 'a\nb', 'a\rb', '\u001b[31m', 'a\u007fb', 'a\u0085b', 'a\u009fb'])
      expect(unsafeText(bad, 'line'), JSON.stringify(bad)).toBeDefined();
    for (const good of ['plain', 'Grüße, 東京 ✓', 'emoji 😀 pair', ' spaces ', '\u00a0nbsp', ''])
      expect(unsafeText(good, 'line'), good).toBeUndefined();
  });

  it('text - multi-line text keeps tab and line breaks and still refuses the other controls', () => {
    expect(unsafeText('line one\r\nline two\tend', 'multiline')).toBeUndefined();
    for (const bad of ['a\u0000b', 'a\u000bb', 'a\u000cb', '\u001b', '\u007f', '\u0080'])
      expect(unsafeText(bad, 'multiline'), JSON.stringify(bad)).toBeDefined();
  });

  it('text - an unpaired surrogate is refused in either mode, a pair is not', () => {
    for (const mode of ['line', 'multiline'] as const) {
      expect(unsafeText('a\ud800b', mode)).toMatch(/surrogate/);
      expect(unsafeText('a\udc00', mode)).toMatch(/surrogate/);
      expect(unsafeText('\udc00\ud800', mode)).toMatch(/surrogate/); // reversed: two lone halves
      expect(unsafeText('\ud83d\ude00', mode)).toBeUndefined();
    }
  });

  it('text - findUnsafeText walks values and keys of nested JSON and names the path', () => {
    expect(findUnsafeText({ a: [1, 'ok', { b: 'x\u0000' }] }, 'multiline')).toEqual({
      path: '.a[2].b',
      reason: expect.stringMatching(/control/),
    });
    expect(findUnsafeText({ 'k\u0000': 1 }, 'multiline')?.path).toBe('.<key>');
    expect(findUnsafeText({ a: 'two\nlines', n: 1, z: null, t: true }, 'multiline')).toBeUndefined();
    let deep: unknown = 'x\u0001';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findUnsafeText(deep, 'multiline')).toBeDefined(); // iterative: no stack overflow
  });
});
