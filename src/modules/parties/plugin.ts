import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Chore } from '../../platform/periodic.ts';
import type { Ports } from '../../platform/ports.ts';
import type { SalesService } from '../sales/index.ts';
import { partyRoutes } from './routes.ts';
import { PartiesService } from './service.ts';

export interface PartiesModule {
  readonly parties: PartiesService;
  /** Worker chores: each occurrence's sale is created a day ahead (and at once on creation). */
  readonly chores: readonly Chore[];
}

/** Recurring sales of one node and their scheduler. */
export function createParties(p: Omit<Ports, 'bus'>, o: { readonly sales: SalesService }): PartiesModule {
  const parties = new PartiesService({
    store: p.store,
    clock: p.clock,
    sales: o.sales,
    logger: p.logger.child({ component: 'parties' }),
    onCommit: p.onCommit,
  });
  return {
    parties,
    chores: [{ name: 'party-occurrences', everyMs: 30_000, run: () => parties.scheduleDue() }],
  };
}

const parties: AppPluginFn<PartiesModule> = async (app, m) => partyRoutes(app, m.parties);

/** Parties (recurring sales): the parties module's routes. */
export const partiesPlugin = fp(parties, {
  name: 'flashmob-parties',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
