import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecurityHeaders } from '../../src/platform/http/security-headers.ts';
import { buildWebApp, webBuildIsStale } from '../../src/platform/http/web-app.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Headers = Record<string, string | string[] | number | undefined>;

/** The CSP as directive → sources. */
function csp(headers: Headers): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of String(headers['content-security-policy'] ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

function expectSecurityHeaders(headers: Headers): void {
  const policy = csp(headers);
  expect(policy.get('script-src')).toEqual(["'self'"]);
  expect(policy.get('script-src-attr')).toEqual(["'none'"]);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

/** Every `<script>` of a page loads a same-origin file: none is inline, so `script-src 'self'` runs them all. */
function expectOnlyScriptFiles(html: string): void {
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attrs, body] of scripts) {
    expect(attrs).toMatch(/\ssrc="(\.|\/)[^"]*"/);
    expect(body?.trim()).toBe('');
  }
  expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers either
}

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    if (webBuildIsStale()) await buildWebApp(pino({ level: 'silent' }));
    t = await createTestApp({ start: false, config: { serveWeb: true } });
  });
  afterAll(() => t.close());

  it('security headers - an API answer carries the CSP, nosniff, a referrer policy and no HSTS over plain HTTP', async () => {
    const res = await t.http('GET', '/api/sales');
    expect(res.statusCode).toBe(200);
    expectSecurityHeaders(res.headers);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    // Without TRUST_PROXY, a client cannot claim TLS with X-Forwarded-Proto.
    const spoofed = await t.http('GET', '/api/sales', { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });

  it('security headers - refusals and not-found answers carry them too', async () => {
    for (const res of [
      await t.http('GET', '/api/me'),
      await t.http('GET', '/api/me', { token: 'forged' }),
      await t.http('GET', '/api/nowhere'),
    ]) {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expectSecurityHeaders(res.headers);
    }
  });

  it('security headers - the web app is served under the CSP and loads only script files', async () => {
    for (const url of ['/', '/sales/sal_anything']) {
      const res = await t.http('GET', url, { headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expectSecurityHeaders(res.headers);
      expectOnlyScriptFiles(res.body);
    }
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec((await t.http('GET', '/')).body)?.[1] as string;
    const js = await t.http('GET', asset);
    expect(js.statusCode).toBe(200);
    expectSecurityHeaders(js.headers);
  });

  it('security headers - the Swagger UI at /docs is served under the CSP and loads only script files', async () => {
    const page = await t.http('GET', '/docs');
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page.headers);
    expectOnlyScriptFiles(page.body);
    for (const file of [
      '/docs/static/swagger-initializer.js',
      '/docs/static/swagger-ui-bundle.js',
      '/docs/json',
    ]) {
      const res = await t.http('GET', file);
      expect(res.statusCode).toBe(200);
      expectSecurityHeaders(res.headers);
    }
  });
});

describe('security headers - HSTS', () => {
  it('security headers - behind a trusted proxy, HSTS is sent when X-Forwarded-Proto says https, not otherwise', async () => {
    const t = await createTestApp({ start: false, config: { trustProxy: true } });
    try {
      const tls = await t.http('GET', '/api/sales', { headers: { 'x-forwarded-proto': 'https' } });
      expect(tls.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
      expectSecurityHeaders(tls.headers);
      const plain = await t.http('GET', '/api/sales', { headers: { 'x-forwarded-proto': 'http' } });
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      expect((await t.http('GET', '/api/sales')).headers['strict-transport-security']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('security headers - a request that came over TLS directly gets HSTS', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flashmob-tls-'));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const app = Fastify({ https: { key: readFileSync(key), cert: readFileSync(cert) } });
    registerSecurityHeaders(app);
    app.get('/x', async () => ({ ok: true }));
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const headers = await new Promise<Headers>((resolve, reject) =>
        https
          .get(`${url}/x`, { rejectUnauthorized: false }, (res) => {
            res.resume();
            resolve(res.headers);
          })
          .on('error', reject),
      );
      expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
      expectSecurityHeaders(headers);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
