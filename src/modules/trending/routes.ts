import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app-type.ts';
import { withProblems } from '../../platform/http/schemas.ts';
import type { TrendingService } from './service.ts';

export function trendingRoutes(app: App, trending: TrendingService): void {
  app.get(
    '/api/trending',
    {
      config: { access: 'public' },
      schema: {
        tags: ['sales'],
        summary: 'What is hot now: sales, shows and hashtags by a heat that halves every 10 minutes',
        description:
          'Heat comes from the event log: 1 per unit claimed, 2 per unit asked for on a waitlist, 2 per auction bid. ' +
          'Ended sales and shows are left out.',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) },
          { additionalProperties: false },
        ),
        response: withProblems({
          200: Type.Object({
            halfLifeMinutes: Type.Number(),
            sales: Type.Array(Type.Object({ heat: Type.Number(), sale: Type.Ref('Sale') })),
            shows: Type.Array(Type.Object({ heat: Type.Number(), show: Type.Ref('Show') })),
            tags: Type.Array(Type.Object({ tag: Type.String(), heat: Type.Number() })),
            serverTime: Type.String(),
          }),
        }),
      },
    },
    async (req) => trending.now(req.query.limit),
  );
}
