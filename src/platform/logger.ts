import type { FastifyBaseLogger } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type Logger } from 'pino';
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

export function createLogger(level: LogLevel, name = 'flashmob'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
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
