import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions, strictTransportSecurity } from 'helmet';

/**
 * The Content-Security-Policy of every answer: the web app, the Swagger UI at /docs and the API.
 * - Scripts only from this origin: no inline script, no `eval`, no inline handlers
 *   (`script-src-attr 'none'`). Vite's build and the Swagger UI load every script from a file.
 * - Styles may be inline: the app's index.html has one `<style>` (the background before the CSS
 *   loads) and the Swagger UI sets style attributes; an injected style cannot run code.
 * - Product images and show streams are https addresses anywhere (`imageUrl`, `streamUrl`); hls.js
 *   fetches a stream's playlists and segments (`connect-src`) and plays them from `blob:` URLs
 *   (`media-src`), decoding in a `blob:` worker. `connect-src 'self'` covers the WebSocket of
 *   the same host (CSP Level 3 matches ws:/wss: to http:/https:).
 * - Never framed (`frame-ancestors 'none'`): no click-jacking of the buy button.
 * - No `upgrade-insecure-requests`: the embedded default serves plain HTTP on localhost.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:', 'https:'],
  'media-src': ["'self'", 'blob:', 'https:'],
  'connect-src': ["'self'", 'https:'],
  'worker-src': ["'self'", 'blob:'],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'upgrade-insecure-requests': null,
} as const;

const HELMET: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Sent only over TLS (below): over plain HTTP it means nothing, and a browser that saw it on
  // localhost would refuse plain HTTP there for a year.
  strictTransportSecurity: false,
};

/** Two years, subdomains included: what the HSTS preload list asks for. */
const HSTS_MAX_AGE_SECONDS = 63_072_000;

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Runs helmet once against a recording response: the header set it would write on every answer. */
function headersOf(middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (err) => {
    if (err) throw err;
  });
  return headers;
}

/**
 * Security headers on every answer (web app, /docs, API, errors, 404s). The header set is
 * helmet's, computed once at start: @fastify/helmet builds helmet's middleware again on every
 * request (about 4 µs of CPU each, measured here, plus two async hooks), a real share of a claim.
 * HSTS only when the request came over TLS: directly, or through a trusted proxy's
 * X-Forwarded-Proto (Fastify's `request.protocol` honours it only with `trustProxy`).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const always = headersOf(helmet(HELMET));
  const hsts = headersOf(strictTransportSecurity({ maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true }))[
    'strict-transport-security'
  ];
  if (!hsts) throw new Error('helmet wrote no Strict-Transport-Security header');
  // First of the onRequest hooks, so that an answer refused by a later one carries them too.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(always);
    if (request.protocol === 'https') void reply.header('strict-transport-security', hsts);
    done();
  });
}
