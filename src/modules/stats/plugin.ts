import fp from 'fastify-plugin';
import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Store } from '../../platform/store/store.ts';
import type { SalesService } from '../sales/index.ts';
import { statsRoutes } from './routes.ts';
import { saleStatsConsumer } from './sale-stats.ts';

export interface StatsModule {
  readonly store: Store;
  readonly sales: SalesService;
  /** The per-sale statistics read model, fed from the event log. */
  readonly consumers: readonly ConsumerDefinition[];
}

/** A sale's statistics: the read model's consumer. */
export function createStats(p: { readonly store: Store }, o: { readonly sales: SalesService }): StatsModule {
  return { store: p.store, sales: o.sales, consumers: [saleStatsConsumer(p.store)] };
}

const stats: AppPluginFn<StatsModule> = async (app, m) => statsRoutes(app, m);

/** GET /api/sales/:id/stats. */
export const statsPlugin = fp(stats, {
  name: 'flashmob-stats',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
