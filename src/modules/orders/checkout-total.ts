import type { Sql } from '../../platform/store/store.ts';

/**
 * What a checkout of these holds would come to, in minor units: the buyer's own live holds only
 * (someone else's, expired or used ones count nothing, and checkout refuses them anyway). Asked
 * by the step-up gate before checkout runs, so a large order can be held for a second factor.
 */
export function checkoutTotal(sql: Sql) {
  return async (buyerId: string, body: unknown): Promise<number> => {
    const ids = (body as { reservationIds?: unknown } | undefined)?.reservationIds;
    if (!Array.isArray(ids) || ids.length === 0) return 0;
    const [row] = await sql.query<{ total: string | number | null }>(
      `select coalesce(sum(quantity * price_cents), 0) as total from reservations
       where id = any($1) and buyer_id = $2 and state = 'held'`,
      [ids, buyerId],
    );
    return Number(row?.total ?? 0);
  };
}
