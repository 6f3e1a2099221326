import pino, { type Logger } from 'pino';
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
