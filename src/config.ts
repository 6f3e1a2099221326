/**
 * Configuration: the only module that reads `process.env`.
 * Every key has a working default; a bad value fails start-up with one line that names the key.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROLES = ['all', 'api', 'realtime', 'worker'] as const;
export type Role = (typeof ROLES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_CLAIM_BATCH_MAX = 256;
export const DEFAULT_CLAIM_BATCH_WAIT_MS = 2;
export const DEFAULT_SWEEP_INTERVAL_MS = 1_000;
export const DEFAULT_WS_TICK_MS = 100;
/**
 * Show rooms tick slower than stock: a quarter second is still live for chat and hearts, and at
 * thousands of viewers each tick is one write per viewer (the cost that limits a node).
 */
export const DEFAULT_SHOW_TICK_MS = 250;
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
/** Open WebSockets per client address and node: a household or a carrier's NAT shares one. */
export const DEFAULT_WS_MAX_CONNECTIONS_PER_IP = 256;
/** Open WebSockets per signed-in user and node: a few tabs and devices. */
export const DEFAULT_WS_MAX_CONNECTIONS_PER_USER = 16;
/** Channels per WebSocket: a list page glances at each visible card's sale. */
export const DEFAULT_WS_MAX_SUBSCRIPTIONS = 100;
/** A client has this long to send its request headers (Node's own default is 60 s). */
export const DEFAULT_HTTP_HEADERS_TIMEOUT_MS = 10_000;
/** …and this long for the whole request, body included (a 64 KiB body at 2.2 KB/s). */
export const DEFAULT_HTTP_REQUEST_TIMEOUT_MS = 30_000;
/** A socket with no traffic at all for this long is closed. */
export const DEFAULT_HTTP_CONNECTION_TIMEOUT_MS = 60_000;
/** $1,000 in minor units: orders of this total or more need a step-up (domain/step-up.ts). */
export const DEFAULT_STEP_UP_ORDER_CENTS = 100_000;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly natsUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /**
   * Absent: generated once and kept in DATA_DIR (see platform/secrets.ts), which only the
   * embedded default may do (`assertSecrets`).
   */
  readonly jwtSecret: string | undefined;
  /**
   * Bearer token a Prometheus scraper sends to GET /metrics. Absent: /metrics answers only direct
   * (not proxied) requests from loopback or private addresses.
   */
  readonly metricsToken: string | undefined;
  readonly role: Role;
  readonly logLevel: LogLevel;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  /** Seed demo data on first start with the embedded store. */
  readonly demo: boolean;
  readonly claimBatchMax: number;
  readonly claimBatchWaitMs: number;
  readonly sweepIntervalMs: number;
  readonly wsTickMs: number;
  /** The tick of show rooms: a chat batch and the room state (reaction totals…) per tick. */
  readonly showTickMs: number;
  readonly wsHeartbeatMs: number;
  /** Unsent bytes after which a WebSocket client is closed as a slow consumer. */
  readonly wsMaxBufferedBytes: number;
  /** Frames per second a WebSocket client may send (bursts of twice that). */
  readonly wsFramesPerSecond: number;
  /** Open WebSockets one client address may hold on a node (behind a proxy: see trustProxy). */
  readonly wsMaxConnectionsPerIp: number;
  /** Open WebSockets one signed-in user may hold on a node. */
  readonly wsMaxConnectionsPerUser: number;
  /** Channels one WebSocket may be subscribed to at once. */
  readonly wsMaxSubscriptions: number;
  readonly bodyLimitBytes: number;
  /** Time for a client to send its request headers; a dribbler is cut off (408). */
  readonly httpHeadersTimeoutMs: number;
  /** Time for a client to send its whole request, body included (≥ the headers timeout). */
  readonly httpRequestTimeoutMs: number;
  /** A socket without any traffic for this long is closed. */
  readonly httpConnectionTimeoutMs: number;
  /** Browser origins allowed to open the WebSocket; empty = same host only. */
  readonly allowedOrigins: readonly string[];
  /** Multiplier applied to every rate limit (benchmarks raise it; 0 disables). */
  readonly rateLimitScale: number;
  /** Shared secret for the sandbox payment provider's webhook signatures. */
  readonly paymentWebhookSecret: string | undefined;
  /** Serve the web app's static build when present. */
  readonly serveWeb: boolean;
  /**
   * Behind a load balancer: take the client IP from X-Forwarded-For (rate limits, WebSocket caps)
   * and TLS from X-Forwarded-Proto (HSTS).
   */
  readonly trustProxy: boolean;
  /** How long the JetStream event stream keeps events (0: forever). The store keeps them all. */
  readonly eventRetentionSeconds: number;
  /** Prefix of the JetStream streams and NATS subjects (several deployments can share one NATS). */
  readonly natsPrefix: string;
  /** JetStream's ack wait for consumer groups: how soon a crashed consumer's batch is redelivered. */
  readonly natsAckWaitMs: number;
  /** Orders of this total (minor units) or more need a step-up with a second factor; 0: every order. */
  readonly stepUpOrderCents: number;
  /** WebAuthn relying party id (a domain, e.g. shop.example.com); absent: each request's host. */
  readonly webauthnRpId: string | undefined;
  /** Origins passkey ceremonies may come from; empty: each request's own origin. */
  readonly webauthnOrigins: readonly string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function intIn(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${key} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function numberIn(env: Env, key: string, fallback: number, min: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new ConfigError(`${key} must be a number >= ${min}, got "${raw}"`);
  return n;
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, key: string, protocols: readonly string[]): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${key} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

/** Comma-separated web origins (`https://shop.example.com`), each exactly an origin. */
function origins(env: Env, key: string): string[] {
  const list = (env[key] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(o);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== o)
      throw new ConfigError(`${key} must list origins like https://shop.example.com, got "${o}"`);
  }
  return list;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

/** Secrets are at least this long (HS256 keys: RFC 7518 §3.2 asks for 256 bits). */
export const MIN_SECRET_BYTES = 32;

function secret(env: Env, key: string): string | undefined {
  const raw = env[key] || undefined;
  if (raw !== undefined && Buffer.byteLength(raw, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(`${key} must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return raw;
}

/** One process on its own data: the only setup where a secret generated into DATA_DIR is safe. */
export const isEmbedded = (c: Config): boolean =>
  c.role === 'all' && !c.databaseUrl && !c.natsUrl && !c.redisUrl;

/**
 * A node that shares a store, a bus or counters with others (or runs one role of several)
 * must be given its secrets: secrets generated per node would not verify each other's tokens
 * and webhooks, and a DATA_DIR is no place to keep a cluster's keys. Called when serving.
 */
export function assertSecrets(c: Config): void {
  const missing = [
    ...(c.jwtSecret ? [] : ['JWT_SECRET']),
    ...(c.paymentWebhookSecret ? [] : ['PAYMENT_WEBHOOK_SECRET']),
  ];
  if (missing.length === 0 || isEmbedded(c)) return;
  throw new ConfigError(
    `${missing.join(' and ')} must be set (at least ${MIN_SECRET_BYTES} bytes each, e.g. \`openssl rand -base64 48\`) ` +
      'when DATABASE_URL, NATS_URL or REDIS_URL is set or ROLE is not all',
  );
}

/** Reads KEY=VALUE lines of a `.env` file; values already in the environment win. */
export function readDotEnv(file: string): Env {
  if (!existsSync(file)) return {};
  const out: Env = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m?.[1]) continue;
    out[m[1]] = (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const adminEmail = env.ADMIN_EMAIL || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  }
  const jwtSecret = secret(env, 'JWT_SECRET');
  const paymentWebhookSecret = secret(env, 'PAYMENT_WEBHOOK_SECRET');
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
  }
  const config: Config = {
    port: intIn(env, 'PORT', DEFAULT_PORT, 0, 65_535),
    host: env.HOST || DEFAULT_HOST,
    dataDir: path.resolve(env.DATA_DIR || DEFAULT_DATA_DIR),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    metricsToken,
    role: oneOf(env, 'ROLE', ROLES, 'all'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    adminEmail,
    adminPassword,
    demo: bool(env, 'DEMO', true),
    claimBatchMax: intIn(env, 'CLAIM_BATCH_MAX', DEFAULT_CLAIM_BATCH_MAX, 1, 10_000),
    claimBatchWaitMs: intIn(env, 'CLAIM_BATCH_WAIT_MS', DEFAULT_CLAIM_BATCH_WAIT_MS, 0, 1_000),
    sweepIntervalMs: intIn(env, 'SWEEP_INTERVAL_MS', DEFAULT_SWEEP_INTERVAL_MS, 10, 3_600_000),
    wsTickMs: intIn(env, 'WS_TICK_MS', DEFAULT_WS_TICK_MS, 10, 10_000),
    showTickMs: intIn(env, 'SHOW_TICK_MS', DEFAULT_SHOW_TICK_MS, 10, 10_000),
    wsHeartbeatMs: intIn(env, 'WS_HEARTBEAT_MS', 30_000, 100, 600_000),
    wsMaxBufferedBytes: intIn(env, 'WS_MAX_BUFFERED_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
    wsFramesPerSecond: intIn(env, 'WS_FRAMES_PER_SECOND', 20, 1, 10_000),
    wsMaxConnectionsPerIp: intIn(
      env,
      'WS_MAX_CONNECTIONS_PER_IP',
      DEFAULT_WS_MAX_CONNECTIONS_PER_IP,
      1,
      1_000_000,
    ),
    wsMaxConnectionsPerUser: intIn(
      env,
      'WS_MAX_CONNECTIONS_PER_USER',
      DEFAULT_WS_MAX_CONNECTIONS_PER_USER,
      1,
      10_000,
    ),
    wsMaxSubscriptions: intIn(env, 'WS_MAX_SUBSCRIPTIONS', DEFAULT_WS_MAX_SUBSCRIPTIONS, 1, 10_000),
    bodyLimitBytes: intIn(env, 'BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT_BYTES, 1_024, 10 * 1024 * 1024),
    httpHeadersTimeoutMs: intIn(
      env,
      'HTTP_HEADERS_TIMEOUT_MS',
      DEFAULT_HTTP_HEADERS_TIMEOUT_MS,
      100,
      600_000,
    ),
    httpRequestTimeoutMs: intIn(
      env,
      'HTTP_REQUEST_TIMEOUT_MS',
      DEFAULT_HTTP_REQUEST_TIMEOUT_MS,
      100,
      3_600_000,
    ),
    httpConnectionTimeoutMs: intIn(
      env,
      'HTTP_CONNECTION_TIMEOUT_MS',
      DEFAULT_HTTP_CONNECTION_TIMEOUT_MS,
      1_000,
      3_600_000,
    ),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    rateLimitScale: numberIn(env, 'RATE_LIMIT_SCALE', 1, 0),
    paymentWebhookSecret,
    serveWeb: bool(env, 'SERVE_WEB', true),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    eventRetentionSeconds: intIn(env, 'EVENT_RETENTION_SECONDS', 7 * 24 * 3600, 0, 10 * 365 * 24 * 3600),
    natsPrefix: env.NATS_PREFIX || 'flashmob',
    natsAckWaitMs: intIn(env, 'NATS_ACK_WAIT_MS', 10_000, 1_000, 600_000),
    stepUpOrderCents: intIn(env, 'STEP_UP_ORDER_CENTS', DEFAULT_STEP_UP_ORDER_CENTS, 0, 1_000_000_000),
    webauthnRpId: env.WEBAUTHN_RP_ID || undefined,
    webauthnOrigins: origins(env, 'WEBAUTHN_ORIGINS'),
  };
  if (config.httpHeadersTimeoutMs > config.httpRequestTimeoutMs) {
    // Node refuses to start a server whose headers may take longer than the whole request.
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  return Object.freeze({ ...config, ...overrides });
}
