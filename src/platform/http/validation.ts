import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const base: Options = { allErrors: false, strict: false, useDefaults: true, removeAdditional: false };

/**
 * Bodies are validated strictly: no type coercion ("2" is not a quantity) and unknown keys are
 * refused (schemas say `additionalProperties: false`). Query strings and path parameters arrive
 * as text, so those are coerced.
 */
const strictAjv = addFormats.default(new Ajv({ ...base, coerceTypes: false }));
const coercingAjv = addFormats.default(new Ajv({ ...base, coerceTypes: true }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object);
};
