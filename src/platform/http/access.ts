import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Principal } from '../../domain/policy.ts';
import { type Access, allowsAccess, type Decision } from '../../modules/policy/index.ts';
import { AppError, isAppError } from '../errors.ts';

/**
 * Who may call a route. Every route must declare one: a route without `config.access` fails at
 * start-up, so that no route is reachable by accident.
 * - public: anybody; `optional`: anybody, and the caller is known when a token is sent
 * - user: any signed-in caller, guests included (buyers)
 * - host / admin: that role or above (admin ⊇ host ⊇ buyer)
 */
export type { Access };

/** Turns a bearer token into its caller (the auth module's TokenService); throws a problem when invalid. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Why this caller may not use the route; sent once the rate limiter has counted the request. */
    accessRefusal: AppError | undefined;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m?.[1]) throw new AppError('invalid_token', 'Authorization header must be "Bearer <token>"');
  return m[1];
}

/** The signed-in caller; for routes whose access guarantees one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in first');
  return request.principal;
}

export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

const declared = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route of the app with the access it declared (the route × role test walks them all). */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return declared.get(app) ?? [];
}

/** The signed-in caller and the address they call from (for the audit log). */
export function actorOf(request: FastifyRequest): Principal & { readonly ip: string } {
  return { ...principalOf(request), ip: request.ip };
}

export function registerAccessControl(app: FastifyInstance, tokens: TokenVerifier): void {
  app.decorateRequest('principal', undefined);
  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    for (const method of [route.method].flat())
      if (access && method !== 'HEAD') routes.push({ method: String(method), url: route.url, access });
    // HEAD routes are generated from GET ones and share their config.
    // Swagger UI and the static web app are public by nature and declare nothing.
    const exempt = route.url.startsWith('/docs') || route.url === '/' || route.url === '/*';
    if (!access && !exempt && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
    }
  });
  // Who calls, in onRequest; the refusal waits until preParsing, which runs after every onRequest
  // hook whatever their order. So the rate limiter (an onRequest hook) counts refused requests
  // too: a client guessing tokens meets 429 like any other, not an endless stream of 401s.
  app.decorateRequest('accessRefusal', undefined);
  app.addHook('onRequest', async (request) => {
    request.accessRefusal = await refusalOf(request, tokens);
  });
  app.addHook('preParsing', (request, _reply, _payload, done) => {
    if (request.accessRefusal) done(request.accessRefusal);
    else done();
  });
}

/** Resolves `request.principal`; the refusal to send when the policy's role floor is not met. */
async function refusalOf(request: FastifyRequest, tokens: TokenVerifier): Promise<AppError | undefined> {
  const access = request.routeOptions.config.access ?? 'public';
  if (access === 'public') return undefined;
  try {
    const token = bearerToken(request);
    if (token) request.principal = await tokens.verify(token);
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  return refusal(allowsAccess(request.principal, access));
}

const refusal = (d: Decision): AppError | undefined => (d.ok ? undefined : new AppError(d.code, d.message));
