import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { App } from '../platform/http/app-type.ts';
import { frameworkProblem } from '../platform/http/problem.ts';
import { clientErrorHandler, serverTimeouts } from '../platform/http/timeouts.ts';
import { lazyChildLoggerFactory } from '../platform/logger.ts';

/** The Fastify instance of one node, with its server options; no route or hook yet. */
export function createServer(config: Config, logger: Logger): App {
  return Fastify({
    logger: false,
    loggerInstance: logger.child({ component: 'http' }),
    // Per-request info logs cost more than a claim on the hot path; 5xx are logged (platform/http/shared.ts).
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: config.bodyLimitBytes,
    ...serverTimeouts({
      headersTimeoutMs: config.httpHeadersTimeoutMs,
      requestTimeoutMs: config.httpRequestTimeoutMs,
      connectionTimeoutMs: config.httpConnectionTimeoutMs,
    }),
    clientErrorHandler,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    frameworkErrors: frameworkProblem,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
}
