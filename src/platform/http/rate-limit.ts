import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counters, RateLimiter, RateRule } from '../counters/counters.ts';
import { AppError } from '../errors.ts';

export interface RouteRateLimit extends RateRule {
  /** Count per signed-in caller (falls back to IP) or per IP. */
  readonly by: 'user' | 'ip';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** One rule, or several that all apply (e.g. per account and per address). */
    rateLimit?: RouteRateLimit | readonly RouteRateLimit[];
  }
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
  const limiterFor = (name: string, rule: RouteRateLimit) => {
    let l = limiters.get(name);
    if (!l) {
      l = counters.limiter(`rl:${name}`, {
        points: Math.max(1, Math.round(rule.points * scale)),
        windowSeconds: rule.windowSeconds,
      });
      limiters.set(name, l);
    }
    return l;
  };
  const check = async (request: FastifyRequest, name: string, rule: RouteRateLimit) => {
    const who = rule.by === 'user' && request.principal ? `u:${request.principal.id}` : `ip:${request.ip}`;
    const decision = await limiterFor(name, rule).consume(who);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new AppError('rate_limited', 'Too many requests; slow down', {
        headers: { 'retry-after': String(seconds) },
        extra: { retryAfterSeconds: seconds },
      });
    }
  };
  // onRequest, registered after access control: a signed-in caller is counted as themselves,
  // and requests are counted before any parsing or validation work is spent on them. A caller
  // whose token is missing, forged or expired is counted by address: access control sends its
  // refusal later (preParsing), so guessing tokens runs into 429 like anything else.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const { config, url } = request.routeOptions;
    const rules = config.rateLimit ?? DEFAULT_RATE_LIMIT;
    const routeKey = `${request.method}:${url ?? 'unknown'}`;
    if (!Array.isArray(rules)) return check(request, routeKey, rules as RouteRateLimit);
    // Each rule its own counter (the first keeps the route's name); the first exhausted refuses.
    for (let i = 0; i < rules.length; i++)
      await check(request, i === 0 ? routeKey : `${routeKey}#${i}`, rules[i] as RouteRateLimit);
  });
}
