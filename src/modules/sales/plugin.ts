import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Ports } from '../../platform/ports.ts';
import { salesRoutes } from './routes.ts';
import { SalesService } from './service.ts';
import type { SaleItemsWriter } from './types.ts';

export interface SalesModule {
  readonly sales: SalesService;
}

/** The sales module's services, built once per node. */
export function createSales(
  p: Pick<Ports, 'store' | 'clock' | 'onCommit'>,
  d: { readonly writeItems: SaleItemsWriter },
): SalesModule {
  return { sales: new SalesService(p.store, p.clock, p.onCommit, d.writeItems) };
}

const sales: AppPluginFn<SalesModule> = async (app, m) => salesRoutes(app, m.sales);

/** Sales and their items: the sales module's routes. */
export const salesPlugin = fp(sales, {
  name: 'flashmob-sales',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
