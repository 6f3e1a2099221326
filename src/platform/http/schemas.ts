import { type StringOptions, type TSchema, Type } from '@sinclair/typebox';
import { type IdKind, idPattern } from '../ids.ts';
import { TEXT_KEYWORD } from '../text.ts';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem' },
);

export const Id = (kind: IdKind) => Type.String({ pattern: idPattern(kind), maxLength: 40 });
export const IdParams = (kind: IdKind) => Type.Object({ id: Id(kind) }, { additionalProperties: false });

export const Hashtag = Type.String({
  pattern: '^[a-z0-9_]{1,40}$',
  maxLength: 40,
  description: 'lowercase, without #',
});
export const Hashtags = Type.Array(Hashtag, { maxItems: 20, uniqueItems: true, default: [] });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3, description: 'ISO 4217' });
export const Cents = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'minor units' });
export const IsoDate = Type.String({ format: 'date-time', maxLength: 40 });
export const Sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', maxLength: 64 });

/**
 * Free text in which line breaks and tabs make sense (descriptions, chat, answers). Every other
 * string is single-line: the validator refuses control characters in it (see `../text.ts`). The
 * length bound is required: every string a client sends has one.
 */
export const MultilineText = (opts: StringOptions & { maxLength: number }) =>
  Type.String({ ...opts, [TEXT_KEYWORD]: 'multiline' });

/** Body object: unknown keys are refused. */
export const Body = <P extends Record<string, TSchema>>(props: P) =>
  Type.Object(props, { additionalProperties: false });

/** Problem responses documented on every route (4xx and 5xx). */
export function withProblems<R extends Record<number, TSchema>>(responses: R) {
  return { ...responses, '4xx': Type.Ref('Problem'), '5xx': Type.Ref('Problem') };
}
