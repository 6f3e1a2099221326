import { Type } from '@sinclair/typebox';
import type { App } from './app-type.ts';
import { problemOf, sendProblem } from './problem.ts';
import { withProblems } from './schemas.ts';

export type ReadinessCheck = () => Promise<void>;

export function healthRoutes(app: App, checks: Record<string, ReadinessCheck>, now: () => number): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public', rateLimit: { points: 10_000, windowSeconds: 10, by: 'ip' } },
      schema: {
        tags: ['ops'],
        summary: 'Liveness',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public', rateLimit: { points: 10_000, windowSeconds: 10, by: 'ip' } },
      schema: {
        tags: ['ops'],
        summary: 'Readiness: every connection this node needs answers',
        description: '503 unavailable with `checks`, each "ok" or why not, when one does not answer.',
        response: withProblems({
          200: Type.Object({
            status: Type.Literal('ready'),
            checks: Type.Record(Type.String(), Type.String(), { description: 'each check: "ok"' }),
          }),
        }),
      },
    },
    async (_req, reply) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await Promise.race([
              check(),
              new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
            ]);
            return [name, 'ok'] as const;
          } catch (e) {
            return [name, e instanceof Error ? e.message : 'failed'] as const;
          }
        }),
      );
      const detail = Object.fromEntries(results);
      if (results.every(([, r]) => r === 'ok')) return { status: 'ready', checks: detail };
      return sendProblem(reply, problemOf('unavailable', 'Not ready', { checks: detail }));
    },
  );

  app.get(
    '/api/time',
    {
      config: { access: 'public', rateLimit: { points: 600, windowSeconds: 10, by: 'ip' } },
      schema: {
        tags: ['ops'],
        summary: 'Server time, for clients that sync their clocks over HTTP',
        response: { 200: Type.Object({ serverTime: Type.String(), epochMs: Type.Number() }) },
      },
    },
    async () => {
      const t = now();
      return { serverTime: new Date(t).toISOString(), epochMs: t };
    },
  );
}
