import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counters, RateLimiter, RateRule } from '../counters/counters.ts';
import { AppError } from '../errors.ts';

export interface RouteRateLimit extends RateRule {
  /** Count per signed-in caller (falls back to IP) or per IP. */
  readonly by: 'user' | 'ip';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
}

/** A limiter for use inside a handler, scaled like the route limits (undefined when they are off). */
export function scaledLimiter(
  counters: Counters,
  name: string,
  rule: RateRule,
  scale: number,
): RateLimiter | undefined {
  if (scale === 0) return undefined;
  return counters.limiter(name, {
    points: Math.max(1, Math.round(rule.points * scale)),
    windowSeconds: rule.windowSeconds,
  });
}

/** A generous default for every route that does not set its own. */
export const DEFAULT_RATE_LIMIT: RouteRateLimit = { points: 300, windowSeconds: 10, by: 'ip' };

/**
 * Per-route rate limits on the shared counters (memory or Redis). `scale` multiplies every
 * allowance (benchmarks raise it); 0 disables rate limiting.
 */
export function registerRateLimits(app: FastifyInstance, counters: Counters, scale: number): void {
  if (scale === 0) return;
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (routeKey: string, rule: RouteRateLimit) => {
    let l = limiters.get(routeKey);
    if (!l) {
      l = counters.limiter(`rl:${routeKey}`, {
        points: Math.max(1, Math.round(rule.points * scale)),
        windowSeconds: rule.windowSeconds,
      });
      limiters.set(routeKey, l);
    }
    return l;
  };
  // onRequest, registered after access control: a signed-in caller is counted as themselves,
  // and requests are counted before any parsing or validation work is spent on them.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const rule = request.routeOptions.config.rateLimit ?? DEFAULT_RATE_LIMIT;
    const routeKey = `${request.method}:${request.routeOptions.url ?? 'unknown'}`;
    const who = rule.by === 'user' && request.principal ? `u:${request.principal.id}` : `ip:${request.ip}`;
    const decision = await limiterFor(routeKey, rule).consume(who);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new AppError('rate_limited', 'Too many requests; slow down', {
        headers: { 'retry-after': String(seconds) },
        extra: { retryAfterSeconds: seconds },
      });
    }
  });
}
