import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { hasRole, type Principal, type TokenService, type UserRole } from '../../modules/auth/tokens.ts';
import { AppError } from '../errors.ts';

/**
 * Who may call a route. Every route must declare one: a route without `config.access` fails at
 * start-up, so that no route is reachable by accident.
 * - public: anybody; `optional`: anybody, and the caller is known when a token is sent
 * - user: any signed-in caller, guests included (buyers)
 * - host / admin: that role or above (admin ⊇ host ⊇ buyer)
 */
export type Access = 'public' | 'optional' | 'user' | 'host' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
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

/** The signed-in caller and the address they call from (for the audit log). */
export function actorOf(request: FastifyRequest): Principal & { readonly ip: string } {
  return { ...principalOf(request), ip: request.ip };
}

export function registerAccessControl(app: FastifyInstance, tokens: TokenService): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    // HEAD routes are generated from GET ones and share their config.
    // Swagger UI and the static web app are public by nature and declare nothing.
    const exempt = route.url.startsWith('/docs') || route.url === '/' || route.url === '/*';
    if (!access && !exempt && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const token = bearerToken(request);
    if (!token) {
      if (access === 'optional') return;
      throw new AppError('unauthenticated', 'Sign in first: send Authorization: Bearer <token>');
    }
    request.principal = await tokens.verify(token);
    const needed: UserRole | undefined = access === 'host' || access === 'admin' ? access : undefined;
    if (needed && !hasRole(request.principal, needed)) {
      throw new AppError('forbidden', `This needs the ${needed} role`);
    }
  });
}
