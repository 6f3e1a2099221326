import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeUser } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

/** Strings that cannot hurt: refused at the schema layer over HTTP and the WebSocket alike. */
describe('text rules', () => {
  let t: TestApp;
  let base: string;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({ config: { port: 0, host: '127.0.0.1', wsTickMs: 20, showTickMs: 20 } });
    base = await t.fm.listen();
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const expectRefused = (r: { statusCode: number; headers: Record<string, unknown>; json(): any }) => {
    expect(r.statusCode).toBe(400);
    expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(r.json().code).toBe('validation_failed');
  };

  const product = (fields: Record<string, unknown>) =>
    t.http('POST', '/api/products', {
      token: host.token,
      body: {
        title: 'Lamp',
        variants: [
          {
            sku: `SKU-${Math.random().toString(36).slice(2, 10)}`,
            title: 'one',
            priceCents: 100,
            currency: 'USD',
          },
        ],
        ...fields,
      },
    });

  it('text rules - NUL, unpaired surrogates, C0, DEL and C1 in a body string are 400 validation_failed', async () => {
    for (const title of [
      'a\u0000b',
      'a\ud800b',
      'a\udfffb',
      'a\u001bb',
      'a\u007fb',
      'a\u0085b',
      'a\nb',
      'a\tb',
    ]) {
      const r = await product({ title });
      expectRefused(r);
      expect(r.json().detail, JSON.stringify(title)).toMatch(/^body\.title must not contain/);
    }
    const name = await t.http('POST', '/api/auth/register', {
      body: { email: 'nul@test.dev', password: 'password123', name: 'x\u0000' },
    });
    expectRefused(name);
  });

  it('text rules - a multi-line field keeps its line breaks and tabs, and refuses the rest', async () => {
    const ok = await product({ title: 'Emoji 😀 ok', description: 'first line\r\nsecond\tline' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().description).toBe('first line\r\nsecond\tline');
    expectRefused(await product({ description: 'bell\u0007' }));
    expectRefused(await product({ description: 'half \ud83d pair' }));
  });

  it('text rules - query strings and path parameters follow the same rule; a broken path is a problem too', async () => {
    expectRefused(await t.http('GET', '/api/products?tag=%00'));
    expectRefused(await t.http('GET', '/api/shows?tag=a%1Bb'));
    expectRefused(await t.http('GET', '/api/sales/sal_%00'));
    // %ED%A0%80 is an unpaired surrogate in UTF-8: the router refuses it before any schema.
    expectRefused(await t.http('GET', '/api/sales/%ED%A0%80'));
    expectRefused(await t.http('GET', `/api/sales/${'a'.repeat(500)}`));
  });

  it('text rules - a WebSocket frame with an unsafe string anywhere is refused and the socket stays open', async () => {
    const s = await openSocket(base);
    s.send({ op: 'ping', id: 'a\u0000' });
    const err = await s.next((m) => m.op === 'error');
    expect(err.code).toBe('validation_failed');
    expect(err.title).toMatch(/frame\.id must not contain control/);
    s.send({ op: 'sub', ch: 'sale:x', extra: { 'k\ud800': 1 } });
    expect((await s.next((m) => m.op === 'error' && m !== err)).code).toBe('validation_failed');
    s.send({ op: 'ping', id: 1 });
    expect((await s.next((m) => m.op === 'pong')).id).toBe(1);
    s.close();
  });

  it('text rules - a chat line over the WebSocket is checked by the HTTP body schema; only good lines reach the room', async () => {
    const { show } = await makeShow(t.fm, host);
    const buyer = await makeUser(t.fm, 'buyer');
    const s = await openSocket(base, { token: buyer.token });
    s.send({ op: 'sub', ch: `show:${show.id}` });
    await s.next((m) => m.ch === `show:${show.id}` && m.ev === 'state');
    const bad: unknown[] = [
      { text: 'nul\u0000' },
      { text: 'esc\u001b[2J' },
      { text: 'x'.repeat(301) },
      { text: 7 },
      {},
    ];
    bad.push({ text: 'ok', extra: true });
    for (const data of bad) s.send({ op: 'send', ch: `show:${show.id}`, ev: 'chat', data });
    s.send({ op: 'send', ch: `show:${show.id}`, ev: 'chat', data: { text: 'two\nlines' } });
    const frame = await s.next((m) => m.ev === 'chat' && m.data.messages.length > 0);
    expect(frame.data.messages.map((x: any) => x.text)).toEqual(['two lines']);
    const errors = s.messages.filter((m) => m.op === 'error');
    expect(errors.map((e) => e.code)).toEqual(Array(bad.length).fill('validation_failed'));
    s.close();
  });

  it('text rules - every string a client sends in a body or query string has a maxLength (OpenAPI)', async () => {
    const doc = (await t.fm.app.inject({ url: '/docs/json' })).json();
    const unbounded: string[] = [];
    const walk = (s: any, where: string): void => {
      if (!s || typeof s !== 'object') return;
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (types.includes('string') && s.maxLength === undefined && s.const === undefined && !s.enum)
        unbounded.push(where);
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${where}.${k}`);
      if (s.items) walk(s.items, `${where}[]`);
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}.*`);
      for (const k of ['anyOf', 'oneOf', 'allOf']) for (const v of s[k] ?? []) walk(v, where);
    };
    let fields = 0;
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} ${p.in}:${p.name}`);
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) walk(body, `${method} ${path} body`);
        fields += (op.parameters ?? []).length + Object.keys(body?.properties ?? {}).length;
      }
    }
    expect(fields).toBeGreaterThan(100); // the walk saw the API, not an empty document
    expect(unbounded).toEqual([]);
  });

  it('text rules - a string over its maxLength is 400; a body past the body limit is 413, never a 500', async () => {
    expectRefused(await product({ title: 'x'.repeat(201) }));
    expectRefused(await t.http('GET', `/api/products?tag=${'a'.repeat(100_000)}`));
    const huge = await product({ title: 'x'.repeat(100_000) });
    expect([huge.statusCode, huge.json().code]).toEqual([413, 'body_too_large']);
  });
});
