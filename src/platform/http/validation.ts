import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isTextMode, TEXT_KEYWORD, type TextMode, unsafeText } from '../text.ts';

const base: Options = { allErrors: false, strict: false, useDefaults: true, removeAdditional: false };

function withTextKeyword(ajv: Ajv): Ajv {
  const check = (mode: unknown, data: unknown): boolean => {
    if (typeof data !== 'string') return true;
    const reason = unsafeText(data, isTextMode(mode) ? mode : 'line');
    if (reason === undefined) return true;
    check.errors = [{ keyword: TEXT_KEYWORD, message: reason, params: { mode } }];
    return false;
  };
  check.errors = [] as Array<{ keyword: string; message: string; params: Record<string, unknown> }>;
  ajv.addKeyword({
    keyword: TEXT_KEYWORD,
    type: 'string',
    schemaType: 'string',
    errors: true,
    validate: check,
  });
  return ajv;
}

/**
 * Bodies are validated strictly: no type coercion ("2" is not a quantity) and unknown keys are
 * refused (schemas say `additionalProperties: false`). Query strings and path parameters arrive
 * as text, so those are coerced.
 */
const strictAjv = withTextKeyword(addFormats.default(new Ajv({ ...base, coerceTypes: false })));
const coercingAjv = withTextKeyword(addFormats.default(new Ajv({ ...base, coerceTypes: true })));

/** Keys whose values are data, not schemas: the walk below leaves them alone. */
const DATA_KEYS = new Set(['default', 'examples', 'example', 'const', 'enum']);

/**
 * A copy of the schema in which every string carries the text rule (`line` unless the schema
 * says `'x-text': 'multiline'`): a new route is safe without anyone remembering to ask. The
 * route's own schema object is not changed (the OpenAPI document is generated from it).
 */
export function withTextRules(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withTextRules);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = DATA_KEYS.has(k) ? v : withTextRules(v);
  const type = out['type'];
  const isString = type === 'string' || (Array.isArray(type) && type.includes('string'));
  if (isString && !isTextMode(out[TEXT_KEYWORD])) out[TEXT_KEYWORD] = 'line' satisfies TextMode;
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(withTextRules(schema) as object);
};

/** The body rules (strict, text rules on every string) for input that does not come over HTTP. */
export function compileStrict<T>(schema: object): ValidateFunction<T> {
  return strictAjv.compile<T>(withTextRules(schema) as object);
}
