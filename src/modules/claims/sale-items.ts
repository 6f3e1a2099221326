import type { Sql } from '../../platform/store/store.ts';
import type { SaleItemRow } from '../sales/index.ts';

/**
 * The claims module owns the sale item rows: what the claim engine sells (stock, price, limit,
 * whether it is on sale) and every change of them. A sale decides what goes in its items
 * (`SalesService`); a show features and unfeatures them; both ask here.
 */

/** Inserts a sale's items with their ids, in the caller's transaction (the sales module's `SaleItemsWriter`). */
export async function insertSaleItems(
  tx: Sql,
  saleId: string,
  ids: readonly string[],
  items: readonly SaleItemRow[],
): Promise<void> {
  await tx.query(
    `insert into sale_items (id, sale_id, variant_id, sku, title, price_cents, currency, stock, remaining, per_buyer_limit, position)
       select i, $1, v, s, t, p, c, q, q, l, o
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::int[], $10::int[])
         as x(i, v, s, t, p, c, q, l, o)`,
    [
      saleId,
      ids,
      items.map((i) => i.variantId),
      items.map((i) => i.sku),
      items.map((i) => i.title),
      items.map((i) => i.priceCents),
      items.map((i) => i.currency),
      items.map((i) => i.stock),
      items.map((i) => i.perBuyerLimit),
      items.map((i) => i.position),
    ],
  );
}

/**
 * Takes a sale's active items (or all of them) off sale. `version` moves with `active`: a claim
 * batch allocated on the item before cannot commit after.
 */
export async function deactivateSaleItems(
  tx: Sql,
  saleId: string,
  o: { onlyActive: boolean },
): Promise<void> {
  if (o.onlyActive)
    await tx.query(
      'update sale_items set active = false, version = version + 1 where sale_id = $1 and active',
      [saleId],
    );
  else
    await tx.query('update sale_items set active = false, version = version + 1 where sale_id = $1', [
      saleId,
    ]);
}

/**
 * Puts a sale's item of this SKU back on sale with `stock` more units, a new price and limit;
 * the item's id, or undefined when the sale has no item of this SKU.
 */
export async function restockSaleItem(
  tx: Sql,
  saleId: string,
  item: { sku: string; stock: number; priceCents: number; perBuyerLimit: number },
): Promise<string | undefined> {
  const [existing] = await tx.query<{ id: string }>(
    `update sale_items set active = true, stock = stock + $3, remaining = remaining + $3, price_cents = $4,
           per_buyer_limit = $5, version = version + 1
         where sale_id = $1 and sku = $2 returning id`,
    [saleId, item.sku, item.stock, item.priceCents, item.perBuyerLimit],
  );
  return existing?.id;
}
