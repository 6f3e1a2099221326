/**
 * Bad input for every field of every route, derived from the OpenAPI document: for each route,
 * a request the schemas accept (`sample`), then one request per field and bad value with only
 * that field spoiled. Every bad value is invalid by construction (the text rule, maxLength,
 * types, bounds, unknown keys), so the schema layer must refuse each one.
 */

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  additionalProperties?: boolean | Schema;
}

interface Parameter {
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly name: string;
  readonly schema: Schema;
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly params: readonly Parameter[];
  readonly query: readonly Parameter[];
  readonly body: Schema | undefined;
}

export interface Case {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
}

/** Every route with a body, query string or path parameters. */
export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters: Parameter[] = op.parameters ?? [];
      const body: Schema | undefined = op.requestBody?.content?.['application/json']?.schema;
      const params = parameters.filter((p) => p.in === 'path');
      const query = parameters.filter((p) => p.in === 'query');
      if (body || params.length > 0 || query.length > 0)
        ops.push({ method: method.toUpperCase(), path, params, query, body });
    }
  }
  return ops;
}

const typeOf = (s: Schema): string | undefined => {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.type) return s.type;
  const branch = s.anyOf?.[0] ?? s.oneOf?.[0];
  return branch ? typeOf(branch) : undefined;
};

const firstBranch = (s: Schema): Schema => s.anyOf?.[0] ?? s.oneOf?.[0] ?? s;

/** Strings that satisfy the patterns the API uses; a new pattern without one fails loudly. */
const PATTERN_SAMPLES = [
  'tag',
  'SKU-1',
  'USD',
  'US',
  '20:00',
  'https://example.com/a',
  '+33 123 456',
  'buy',
  '123456',
];

function sampleString(s: Schema, index: number): string {
  if (s.enum?.length) return String(s.enum[0]);
  if (s.const !== undefined) return String(s.const);
  if (s.format === 'date-time') return new Date(Date.now() + 3_600_000 + index * 60_000).toISOString();
  if (s.format === 'email') return `corpus${index}@test.dev`;
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const id = /^\^([a-z]+)_\[0-9a-z\]\{16\}\$$/.exec(s.pattern);
    if (id) return `${id[1]}_${String(index).padStart(16, '0')}`;
    const found = PATTERN_SAMPLES.find((c) => re.test(c));
    if (!found) throw new Error(`no sample for pattern ${s.pattern}: add one to PATTERN_SAMPLES`);
    return found;
  }
  return `x${index}`.padEnd(s.minLength ?? 1, 'x');
}

/** A value the schema accepts. */
export function sample(schema: Schema, index = 0): unknown {
  const s = firstBranch(schema);
  if (s.enum?.length) return s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      return sampleString(s, index);
    case 'integer':
    case 'number':
      return Math.min(Math.max(1, s.minimum ?? 1), s.maximum ?? 1);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, (_, i) => sample(s.items ?? {}, i));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v, index);
      return out;
    }
    default:
      return 'x';
  }
}

/** JSON values the field must refuse, named. */
export function badBodyValues(schema: Schema): Array<[string, unknown]> {
  const s = firstBranch(schema);
  const nested: [string, unknown] = ['nested object', { a: { b: 1 } }];
  switch (typeOf(s)) {
    case 'string':
      return [
        ['NUL', 'a\u0000b'],
        ['lone surrogate', 'a\ud800b'],
        ['control char', 'a\u001b[2Jb'],
        ['100k characters', 'x'.repeat(100_000)],
        ['wrong type', 12_345],
        nested,
      ];
    case 'integer':
    case 'number':
      return [
        ['wrong type', '1'],
        ['huge number', 1e300],
        ...((s.minimum ?? -1) >= 0 ? [['negative number', -1] as [string, unknown]] : []),
        nested,
      ];
    case 'boolean':
      return [['wrong type', 'true'], ['number', 1], nested];
    case 'array':
      return [['wrong type', 'x'], nested];
    case 'object':
      return [['wrong type', 'x']];
    default:
      return [];
  }
}

/** Raw (already percent-encoded) query or path values the field must refuse, named. */
export function badRawValues(schema: Schema, where: 'query' | 'path'): Array<[string, string]> {
  const text: Array<[string, string]> = [
    ['NUL', 'a%00b'],
    ['lone surrogate', 'a%ED%A0%80b'],
    ['control char', 'a%1Bb'],
    ['100k characters', 'a'.repeat(100_000)],
  ];
  const type = typeOf(firstBranch(schema));
  if (type === 'integer' || type === 'number')
    return [...text, ['wrong type', 'abc'], ['huge number', '1e300'], ['negative number', '-1']];
  if (type === 'boolean') return [...text, ['wrong type', 'maybe']];
  return where === 'path' ? [...text, ['negative number', '-1'], ['huge number', '1e300']] : text;
}

/** Every leaf and inner field of a body, with its schema and its path in the sample. */
function fieldsOf(
  schema: Schema,
  path: Array<string | number> = [],
): Array<[Array<string | number>, Schema]> {
  const s = firstBranch(schema);
  const out: Array<[Array<string | number>, Schema]> = path.length > 0 ? [[path, schema]] : [];
  if (typeOf(s) === 'object') {
    for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...fieldsOf(v, [...path, k]));
  } else if (typeOf(s) === 'array' && s.items) {
    out.push(...fieldsOf(s.items, [...path, 0]));
  }
  return out;
}

function setAt(target: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(target) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

const encodeQuery = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

/** The accepted request for the route, then one case per field and bad value. */
export function casesFor(op: Operation): { base: Case; cases: Case[] } {
  const pathWith = (values: Record<string, string>) =>
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  const params = Object.fromEntries(
    op.params.map((p) => [p.name, encodeURIComponent(String(sample(p.schema)))]),
  );
  const query = Object.fromEntries(
    op.query.map((p) => [p.name, encodeURIComponent(String(sample(p.schema)))]),
  );
  const body = op.body ? sample(op.body) : undefined;
  const url = (p: Record<string, string>, q: Record<string, string>) =>
    Object.keys(q).length > 0 ? `${pathWith(p)}?${encodeQuery(q)}` : pathWith(p);
  const at = `${op.method} ${op.path}`;
  const base: Case = { name: `${at} (accepted)`, method: op.method, url: url(params, query), body };
  const cases: Case[] = [];
  for (const p of op.params)
    for (const [name, raw] of badRawValues(p.schema, 'path'))
      cases.push({
        ...base,
        name: `${at} path ${p.name}: ${name}`,
        url: url({ ...params, [p.name]: raw }, query),
      });
  for (const p of op.query)
    for (const [name, raw] of badRawValues(p.schema, 'query'))
      cases.push({
        ...base,
        name: `${at} query ${p.name}: ${name}`,
        url: url(params, { ...query, [p.name]: raw }),
      });
  if (op.query.length > 0) {
    cases.push({ ...base, name: `${at} query: unknown extra key`, url: url(params, { ...query, zzz: '1' }) });
    const [first] = op.query;
    if (first)
      cases.push({
        ...base,
        name: `${at} query: nested key`,
        url: url(params, { ...query, [`${first.name}[a]`]: '1' }),
      });
  }
  if (op.body) {
    for (const [path, schema] of fieldsOf(op.body)) {
      const extra: Array<[string, unknown]> =
        typeOf(firstBranch(schema)) === 'object'
          ? [['unknown extra key', { ...(sample(schema) as object), zzz: 1 }]]
          : [];
      for (const [name, value] of [...badBodyValues(schema), ...extra])
        cases.push({
          ...base,
          name: `${at} body.${path.join('.')}: ${name}`,
          body: setAt(body, path, value),
        });
    }
    cases.push({ ...base, name: `${at} body: unknown extra key`, body: { ...(body as object), zzz: 1 } });
  }
  return { base, cases };
}
