import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginOptions, RawServerDefault } from 'fastify';
import fp from 'fastify-plugin';
import type { Counters } from '../counters/counters.ts';
import type { Metrics } from '../metrics.ts';
import { registerAccessControl, type TokenVerifier } from './access.ts';
import { assertMetricsAccess } from './metrics-access.ts';
import { registerProblemHandlers } from './problem.ts';
import { registerRateLimits } from './rate-limit.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { validatorCompiler } from './validation.ts';
import { serveWebApp, spaFallback } from './web-app.ts';

/**
 * The concerns every route shares, each a plugin made with `fastify-plugin` and not encapsulated:
 * their hooks, decorators and handlers sit on the root instance, so every module plugin (an
 * encapsulated child) inherits them. A module plugin names the ones it needs in `dependencies`,
 * and Fastify refuses to start when one is not registered before it.
 */
export const HTTP = 'flashmob-http';
export const ACCESS = 'flashmob-access';
export const RATE_LIMITS = 'flashmob-rate-limits';
/** The step-up gate (`config.stepUp`); the auth module registers it (it needs the second factor). */
export const STEP_UP = 'flashmob-step-up';
/** What every module plugin depends on. */
export const SHARED_CONCERNS: readonly string[] = [HTTP, ACCESS, RATE_LIMITS];

export interface HttpFoundationOptions {
  /** Serve web/dist (and its client-side routes) when it is built. */
  readonly serveWeb: boolean;
  /** Schemas routes of several modules refer to (`Type.Ref('Sale')`): the OpenAPI components. */
  readonly schemas: readonly TSchema[];
}

/**
 * Security headers (the first onRequest hook, so refusals carry them too), the strict validator,
 * JSON only, the web app, problem errors, and the OpenAPI document: swagger is registered here,
 * before any module plugin, so that it sees every route.
 */
export const httpFoundation = fp<HttpFoundationOptions>(
  async (app: FastifyInstance, o) => {
    registerSecurityHeaders(app);
    app.setValidatorCompiler(validatorCompiler);
    // The API speaks JSON only: any other body is 415 unsupported_media_type.
    app.removeContentTypeParser('text/plain');
    const servesWeb = o.serveWeb && (await serveWebApp(app));
    registerProblemHandlers(app, servesWeb ? { notFoundFallback: spaFallback } : {});
    // A POST without a body is an empty JSON object: routes whose fields are all optional accept it,
    // and routes with required fields name them ("must have required property …").
    app.addHook('preValidation', async (request) => {
      if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD')
        request.body = {};
    });
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode >= 500)
        // The path only: a query string may carry what a log must not (a token, an e-mail).
        request.log.warn({ url: request.url.split('?', 1)[0], status: reply.statusCode }, 'server error');
    });
    for (const schema of o.schemas) app.addSchema(schema);
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Flashmob API',
          version: '1',
          description: 'Real-time commerce engine. Errors are application/problem+json with a stable `code`.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      // Shared schemas appear under their `$id` in components.schemas (not def-0, def-1…).
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: HTTP, fastify: '5.x' },
);

/** Who calls (`request.principal`) and the route's role floor (`config.access`): platform/http/access.ts. */
export const accessControl = fp<{ readonly tokens: TokenVerifier }>(
  async (app: FastifyInstance, o) => registerAccessControl(app, o.tokens),
  { name: ACCESS, fastify: '5.x', dependencies: [HTTP] },
);

/** Request durations and `GET /metrics` (after access control: the route declares its access). */
export const metricsEndpoint = fp<{ readonly metrics: Metrics; readonly token: string | undefined }>(
  async (app: FastifyInstance, o) => {
    o.metrics.instrument(app);
    app.get(
      '/metrics',
      {
        config: { access: 'public', rateLimit: { points: 1_000, windowSeconds: 10, by: 'ip' } },
        schema: { hide: true },
      },
      async (req, reply) => {
        assertMetricsAccess(req, o.token);
        return reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
      },
    );
  },
  { name: 'flashmob-metrics', fastify: '5.x', dependencies: [ACCESS] },
);

/** Per-route rate limits on the Counters port; after access control, which names the caller. */
export const rateLimits = fp<{ readonly counters: Counters; readonly scale: number }>(
  async (app: FastifyInstance, o) => registerRateLimits(app, o.counters, o.scale),
  { name: RATE_LIMITS, fastify: '5.x', dependencies: [ACCESS] },
);

/** A plugin function over the App (TypeBox-typed): what module plugins are made of. */
export type AppPluginFn<O extends FastifyPluginOptions> = FastifyPluginAsync<
  O,
  RawServerDefault,
  TypeBoxTypeProvider
>;
