/**
 * What a string taken from a client may contain. PostgreSQL refuses NUL in `text` (SQLSTATE
 * 22021), so a NUL that got past the edge would fail whatever batch carried it; an unpaired
 * UTF-16 surrogate has no UTF-8 form (node-postgres silently turns it into U+FFFD, so what is
 * stored is not what was sent); other control characters (C0, DEL, C1) corrupt logs, terminals
 * and CSV exports and have no place in a name or a title. One rule, enforced at the schema layer
 * over HTTP (the `x-text` keyword, see `http/validation.ts`) and on every WebSocket frame.
 *
 * - `line` (the default for every string): no control character at all.
 * - `multiline` (descriptions, chat, FAQ answers): tab, line feed and carriage return allowed.
 */
export const TEXT_MODES = ['line', 'multiline'] as const;
export type TextMode = (typeof TEXT_MODES)[number];

/** The schema keyword; `x-` so the OpenAPI document stays valid (a specification extension). */
export const TEXT_KEYWORD = 'x-text';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** With the `u` flag a surrogate class matches only an unpaired one (a pair is one code point). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Why the string is refused, or undefined when it is acceptable. */
export function unsafeText(s: string, mode: TextMode = 'line'): string | undefined {
  if ((mode === 'line' ? CONTROL_LINE : CONTROL_MULTILINE).test(s)) {
    return mode === 'line'
      ? 'must not contain control characters'
      : 'must not contain control characters other than tab and line breaks';
  }
  if (LONE_SURROGATE.test(s)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udfff]/gu;

/** `s` with each character `line` text refuses replaced by U+FFFD: for text we keep but did not choose. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, '\ufffd');
}

export function isTextMode(v: unknown): v is TextMode {
  return typeof v === 'string' && (TEXT_MODES as readonly string[]).includes(v);
}

/**
 * The first unsafe string (or object key) anywhere in a parsed JSON value, with its path, checked
 * in `mode`. Iterative, so a deeply nested value cannot overflow the stack.
 */
export function findUnsafeText(value: unknown, mode: TextMode): { path: string; reason: string } | undefined {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: string };
    if (typeof v === 'string') {
      const reason = unsafeText(v, mode);
      if (reason) return { path, reason };
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], path: `${path}[${i}]` });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        const reason = unsafeText(k, 'line');
        if (reason) return { path: `${path}.<key>`, reason };
        stack.push({ v: item, path: `${path}.${k}` });
      }
    }
  }
  return undefined;
}
