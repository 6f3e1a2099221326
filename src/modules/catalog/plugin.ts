import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Ports } from '../../platform/ports.ts';
import { catalogRoutes } from './routes.ts';
import { CatalogService } from './service.ts';

export interface CatalogModule {
  readonly catalog: CatalogService;
}

/** The catalog's services, built once per node. */
export function createCatalog(p: Pick<Ports, 'store' | 'onCommit'>): CatalogModule {
  return { catalog: new CatalogService(p.store, p.onCommit) };
}

const catalog: AppPluginFn<CatalogModule> = async (app, m) => catalogRoutes(app, m.catalog);

/** Products: the catalog module's routes. */
export const catalogPlugin = fp(catalog, {
  name: 'flashmob-catalog',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
