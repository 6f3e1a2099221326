import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { IdParams, withProblems } from '../../platform/http/schemas.ts';
import type { Store } from '../../platform/store/store.ts';
import { authorize, manage } from '../policy/index.ts';
import type { SalesService } from '../sales/index.ts';
import { readSaleStats } from './sale-stats.ts';

export function statsRoutes(app: App, d: { store: Store; sales: SalesService }): void {
  app.get(
    '/api/sales/:id/stats',
    {
      config: { access: 'host' },
      schema: {
        tags: ['sales'],
        summary:
          'Live numbers of a sale for its host: claims per minute, units sold, revenue (from the event log)',
        params: IdParams('sale'),
        response: withProblems({
          200: Type.Object({
            saleId: Type.String(),
            claims: Type.Integer(),
            unitsClaimed: Type.Integer(),
            unitsReturned: Type.Integer(),
            ordersPaid: Type.Integer(),
            unitsSold: Type.Integer(),
            revenueCents: Type.Integer(),
            claimsPerMinute: Type.Array(
              Type.Object({ minute: Type.String(), claims: Type.Integer(), units: Type.Integer() }),
            ),
          }),
        }),
      },
    },
    async (req) => {
      const me = principalOf(req);
      const sale = await d.sales.get(req.params.id);
      if (!sale) throw new AppError('not_found', 'Sale not found');
      authorize(manage(me, sale.hostId, 'this sale'));
      return readSaleStats(d.store, sale.id);
    },
  );
}
