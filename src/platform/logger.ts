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

  readonly fatal: LogMethod = (...a) => (this.logger.fatal as LogMethod)(...a);
  readonly error: LogMethod = (...a) => (this.logger.error as LogMethod)(...a);
  readonly warn: LogMethod = (...a) => (this.logger.warn as LogMethod)(...a);
  readonly info: LogMethod = (...a) => (this.logger.info as LogMethod)(...a);
  readonly debug: LogMethod = (...a) => (this.logger.debug as LogMethod)(...a);
  readonly trace: LogMethod = (...a) => (this.logger.trace as LogMethod)(...a);
  readonly silent: LogMethod = () => {};

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
