import { type ServerOptions, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_STATUS, type ErrorCode } from '../errors.ts';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.ts';

export interface HttpTimeouts {
  /** The request's headers must have arrived this long after its first byte. */
  readonly headersTimeoutMs: number;
  /** The whole request, headers and body, must have arrived within this. */
  readonly requestTimeoutMs: number;
  /** A socket silent this long is closed (an upgraded WebSocket is not: ws clears it). */
  readonly connectionTimeoutMs: number;
}

/** Node checks its headers and request timers on an interval: by default every 30 s. */
const MAX_CHECK_INTERVAL_MS = 1_000;
const MIN_CHECK_INTERVAL_MS = 25;

/**
 * The server options that cut off a client dribbling its headers or body (slowloris): Fastify
 * leaves `requestTimeout` off by default and Node waits 60 s for headers. Node only looks at
 * these timers every `connectionsCheckingInterval` (30 s by default), which would let a slow
 * client hold a socket up to 30 s past its deadline; checked here at a quarter of the shortest
 * timeout, at most every second (the check walks only the connections still receiving).
 */
export function serverTimeouts(t: HttpTimeouts): {
  requestTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
} {
  const check = Math.min(
    MAX_CHECK_INTERVAL_MS,
    Math.max(MIN_CHECK_INTERVAL_MS, Math.floor(Math.min(t.headersTimeoutMs, t.requestTimeoutMs) / 4)),
  );
  return {
    // Fastify sets these two on the server after creating it; Node's own check
    // (headersTimeout <= requestTimeout) runs at creation, so `http` repeats requestTimeout.
    requestTimeout: t.requestTimeoutMs,
    connectionTimeout: t.connectionTimeoutMs,
    http: {
      headersTimeout: t.headersTimeoutMs,
      requestTimeout: t.requestTimeoutMs,
      connectionsCheckingInterval: check,
    },
  };
}

/**
 * Fastify's `clientErrorHandler`: what a client whose request never arrived whole is told
 * before its socket is closed, as a problem (RFC 9457) like every other answer: 408
 * `request_timeout` for a dribbler; 431 or 400 `validation_failed` for a request Node could not parse.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset or destroyed socket has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, status, title]: [ErrorCode, number, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['request_timeout', ERROR_STATUS.request_timeout, 'The request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ['validation_failed', 431, 'The request headers are too large']
        : ['validation_failed', 400, 'The request is not valid HTTP'];
  const body = JSON.stringify({ ...problemOf(code, title), status });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
