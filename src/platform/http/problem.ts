import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, ERROR_STATUS, type ErrorCode, isAppError, toError } from '../errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with our stable machine-readable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  [extra: string]: unknown;
}

export function problemOf(code: ErrorCode, message: string, extra?: Record<string, unknown>): Problem {
  return {
    type: `https://flashmob.dev/errors/${code}`,
    title: message,
    status: ERROR_STATUS[code],
    code,
    ...extra,
  };
}

export function sendProblem(
  reply: FastifyReply,
  problem: Problem,
  headers?: Record<string, string>,
): FastifyReply {
  if (headers) void reply.headers(headers);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Fastify's own errors, by their code, onto ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_NOT_FOUND: 'not_found',
  FST_ERR_BAD_URL: 'validation_failed',
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function validationProblem(error: FastifyError): Problem {
  const context = error.validationContext ?? 'body';
  const issues = ((error.validation ?? []) as ValidationIssue[]).map((v) => {
    const extraKey = v.params?.['additionalProperty'];
    const missing = v.params?.['missingProperty'];
    const where = `${context}${v.instancePath ?? ''}`.replace(/\//g, '.');
    return {
      path:
        typeof missing === 'string'
          ? `${where}.${missing}`
          : typeof extraKey === 'string'
            ? `${where}.${extraKey}`
            : where,
      message: typeof extraKey === 'string' ? 'is not allowed' : (v.message ?? 'is invalid'),
    };
  });
  const first = issues[0];
  return problemOf('validation_failed', 'The request is invalid', {
    detail: first ? `${first.path} ${first.message}` : error.message,
    errors: issues,
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any hook runs (a path whose
 * percent-encoding is not UTF-8, such as an unpaired surrogate `%ED%A0%80`; a parameter past
 * `maxParamLength`). Without it Fastify answers in its own JSON shape, not a problem.
 */
export function frameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendProblem(
    reply,
    problemOf('validation_failed', error.message, {
      detail: 'The request path is not valid',
      instance: request.url,
    }),
  );
}

export interface ProblemHandlerOptions {
  /** Tried before the 404 problem (the web app's client-side routes). */
  readonly notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
}

export function registerProblemHandlers(app: FastifyInstance, opts: ProblemHandlerOptions = {}): void {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      return sendProblem(
        reply,
        problemOf(error.code, error.message, { ...error.extra, instance: request.url }),
        error.headers,
      );
    }
    if (error.validation) return sendProblem(reply, { ...validationProblem(error), instance: request.url });
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendProblem(reply, problemOf(mapped, error.message, { instance: request.url }));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // A client error Fastify raised that we have no specific code for.
      return sendProblem(reply, {
        ...problemOf('validation_failed', error.message),
        status,
        instance: request.url,
      });
    }
    request.log.error({ err: toError(error) }, 'unhandled error');
    return sendProblem(reply, problemOf('internal', 'Internal server error', { instance: request.url }));
  });

  app.setNotFoundHandler(
    (request, reply) =>
      opts.notFoundFallback?.(request, reply) ??
      sendProblem(reply, problemOf('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
