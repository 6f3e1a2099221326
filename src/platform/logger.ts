import type { FastifyBaseLogger } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config.ts';

/** Tokens never reach a log: auth headers, WebSocket protocols (which may carry a JWT), passwords. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["sec-websocket-protocol"]',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
];

/**
 * Fields that database drivers and Node attach to errors and that hold a request's values:
 * PGlite's `params` (a statement's parameters: e-mails, password hashes, card tokens) and
 * `queryOptions`, PostgreSQL's `detail` ("Key (email)=(…) already exists"), Node's `rawPacket`
 * (the bytes of a request it could not parse, Authorization header included). The SQL text
 * (`query`) stays: it is parameterised.
 */
export const ERROR_FIELDS_DROPPED = ['params', 'parameters', 'queryOptions', 'detail', 'rawPacket'] as const;

type SerializedError = ReturnType<typeof pino.stdSerializers.err>;

function scrub(e: SerializedError, depth: number): SerializedError {
  const out: Record<string, unknown> = { ...e };
  for (const field of ERROR_FIELDS_DROPPED) delete out[field];
  if (depth === 0) return out as SerializedError;
  // Nested errors (`aggregateErrors`, a driver's `original`…) are serialized errors too.
  for (const [key, value] of Object.entries(out)) {
    if (Array.isArray(value)) out[key] = value.map((v) => (isSerializedError(v) ? scrub(v, depth - 1) : v));
    else if (isSerializedError(value)) out[key] = scrub(value, depth - 1);
  }
  return out as SerializedError;
}

function isSerializedError(v: unknown): v is SerializedError {
  return typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';
}

/** pino's error serializer, without the fields that carry a request's values (see above). */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return pino.stdSerializers.err(e as Error);
  return scrub(pino.stdSerializers.err(e), 5);
}

/** The process's logger; `destination` defaults to stdout (tests capture it). */
export function createLogger(level: LogLevel, name = 'flashmob', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

type LogMethod = (...args: unknown[]) => void;

/**
 * A request's logger, made on its first use. Fastify gives every request a child logger, and a
 * pino child with redaction serialises its bindings on creation: a few microseconds on every
 * request, of which almost none logs (request logging is off; errors and 5xx log).
 */
export class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }

  get level(): string {
    return this.logger.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  // Methods on the prototype: nothing is allocated per request but the object itself.
  fatal(...a: unknown[]): void {
    (this.logger.fatal as LogMethod)(...a);
  }

  error(...a: unknown[]): void {
    (this.logger.error as LogMethod)(...a);
  }

  warn(...a: unknown[]): void {
    (this.logger.warn as LogMethod)(...a);
  }

  info(...a: unknown[]): void {
    (this.logger.info as LogMethod)(...a);
  }

  debug(...a: unknown[]): void {
    (this.logger.debug as LogMethod)(...a);
  }

  trace(...a: unknown[]): void {
    (this.logger.trace as LogMethod)(...a);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: request loggers made lazily (see LazyChildLogger). */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
