import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractOf } from '../../scripts/openapi.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Schema = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/**
 * What a route answers must be said, not `{}` or an open object: the web app's types are
 * generated from this document, and an untyped reply would type as `unknown` there.
 */
function vagueness(schema: Schema | undefined, components: Record<string, Schema>, seen = 0): string | null {
  if (!schema || Object.keys(schema).length === 0) return 'no schema';
  if (seen > 8) return null;
  const ref = schema.$ref;
  if (typeof ref === 'string') return vagueness(components[ref.split('/').pop() ?? ''], components, seen + 1);
  if (schema.type === 'array') return vagueness(schema.items as Schema | undefined, components, seen + 1);
  if (schema.type === 'object' || schema.properties || schema.additionalProperties) {
    const named = Object.keys((schema.properties as Schema | undefined) ?? {}).length > 0;
    const typedValues = typeof schema.additionalProperties === 'object';
    return named || typedValues ? null : 'an object with no properties';
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      for (const s of list as Schema[]) {
        const why = s.type === 'null' ? null : vagueness(s, components, seen + 1);
        if (why) return why;
      }
      return null;
    }
  }
  return typeof schema.type === 'string' || 'enum' in schema ? null : 'no type';
}

describe('the API contract', () => {
  let t: TestApp;
  let doc: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  beforeAll(async () => {
    t = await createTestApp({ start: false });
    doc = t.fm.app.swagger() as unknown as typeof doc;
  });
  afterAll(async () => {
    await t.close();
  });

  it('every route answers a concrete schema for each success', () => {
    const vague: string[] = [];
    let routes = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        routes++;
        const successes = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
        if (successes.length === 0) vague.push(`${method.toUpperCase()} ${path}: no 2xx response`);
        for (const [code, response] of successes) {
          if (code === '204') continue;
          const why = vagueness(response.content?.['application/json']?.schema, doc.components.schemas);
          if (why) vague.push(`${method.toUpperCase()} ${path} ${code}: ${why}`);
        }
      }
    }
    expect(routes).toBeGreaterThan(80);
    expect(vague).toEqual([]);
  });

  it('docs/openapi.json is the document the routes make (npm run openapi regenerates it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(contractOf(doc)).toEqual(committed);
  });
});
