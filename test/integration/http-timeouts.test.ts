import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;

interface Outcome {
  readonly answer: string;
  readonly elapsedMs: number;
}

/**
 * A raw client: writes `first`, then `drip` every 50 ms (so that it is never idle: only the
 * headers or request deadline can cut it off), and resolves on the socket's close event.
 */
function dribble(port: number, first: string, drip?: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('connect', () => {
      if (first) socket.write(first);
      if (drip) timer = setInterval(() => socket.writable && socket.write(drip), 50);
    });
    socket.on('error', () => {}); // the server's close may reset: the close event tells the end
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, elapsedMs: Date.now() - started });
    });
    socket.setTimeout(10_000, () => reject(new Error(`still open after 10 s; got ${answer}`)));
  });
}

function problemOf(answer: string): Record<string, unknown> {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
}

describe('HTTP timeouts against slow clients', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({
      start: false,
      config: {
        port: 0,
        host: '127.0.0.1',
        httpHeadersTimeoutMs: HEADERS_TIMEOUT_MS,
        httpRequestTimeoutMs: REQUEST_TIMEOUT_MS,
        httpConnectionTimeoutMs: 5_000,
      },
    });
    port = Number(new URL(await t.fm.listen()).port);
  });
  afterAll(() => t.close());

  it('http timeouts - a client dribbling its headers is cut off with 408 request_timeout', async () => {
    const { answer, elapsedMs } = await dribble(
      port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\n',
      'X-Slow: 1\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toContain('Content-Type: application/problem+json');
    expect(problemOf(answer)).toMatchObject({ status: 408, code: 'request_timeout' });
    expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  });

  it('http timeouts - a client dribbling its body is cut off once the request deadline passes', async () => {
    const head =
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const { answer, elapsedMs } = await dribble(port, head, ' ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(problemOf(answer)).toMatchObject({ code: 'request_timeout' });
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
  });

  it('http timeouts - a client that connects and sends nothing does not keep the socket', async () => {
    const { elapsedMs } = await dribble(port, '');
    expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  });

  it('http timeouts - a prompt request on the same server is answered', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('http timeouts - the headers timeout may not exceed the request timeout (configuration)', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '50' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
    const c = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_CONNECTION_TIMEOUT_MS: '90000' });
    expect([c.httpHeadersTimeoutMs, c.httpRequestTimeoutMs, c.httpConnectionTimeoutMs]).toEqual([
      5_000, 30_000, 90_000,
    ]);
  });
});
