import fp from 'fastify-plugin';
import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Chore } from '../../platform/periodic.ts';
import type { Ports } from '../../platform/ports.ts';
import type { SalesService } from '../sales/index.ts';
import type { ShowsService } from '../shows/index.ts';
import { trendingConsumer } from './consumer.ts';
import { trendingRoutes } from './routes.ts';
import { TrendingService } from './service.ts';

export interface TrendingModule {
  readonly trending: TrendingService;
  /** The heat read model, fed from the event log. */
  readonly consumers: readonly ConsumerDefinition[];
  /** Worker chores: cold entries are forgotten every hour. */
  readonly chores: readonly Chore[];
}

/** What is hot: the read model's consumer and the service that ranks it. */
export function createTrending(
  p: Pick<Ports, 'store' | 'clock'>,
  o: { readonly sales: SalesService; readonly shows: ShowsService },
): TrendingModule {
  const trending = new TrendingService({ store: p.store, clock: p.clock, sales: o.sales, shows: o.shows });
  return {
    trending,
    consumers: [trendingConsumer(p.store)],
    chores: [{ name: 'trending-forget', everyMs: 3_600_000, run: () => trending.forgetCold() }],
  };
}

const trending: AppPluginFn<TrendingModule> = async (app, m) => trendingRoutes(app, m.trending);

/** GET /api/trending. */
export const trendingPlugin = fp(trending, {
  name: 'flashmob-trending',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
