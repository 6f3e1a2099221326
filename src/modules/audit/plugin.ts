import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Sql } from '../../platform/store/store.ts';
import { auditRoutes } from './routes.ts';

const audit: AppPluginFn<{ readonly store: Sql }> = async (app, o) => auditRoutes(app, o.store);

/** GET /api/admin/audit. The log itself is written by each module, in its own transactions. */
export const auditPlugin = fp(audit, {
  name: 'flashmob-audit',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
