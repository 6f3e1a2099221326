import { appendEvents } from '../../platform/bus/events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { authorize, manage } from '../policy/index.ts';

export interface Variant {
  readonly id: string;
  readonly sku: string;
  readonly title: string;
  readonly priceCents: number;
  readonly currency: string;
}

export interface Product {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly description: string;
  readonly imageUrl: string | null;
  readonly hashtags: string[];
  readonly variants: Variant[];
  readonly createdAt: string;
}

export interface NewProduct {
  title: string;
  description?: string;
  imageUrl?: string;
  hashtags?: string[];
  variants: Array<{ sku: string; title: string; priceCents: number; currency: string }>;
}

export interface ProductPatch {
  title?: string;
  description?: string;
  imageUrl?: string | null;
  hashtags?: string[];
  variants?: Array<{ sku: string; title?: string; priceCents?: number }>;
}

interface ProductRow {
  id: string;
  host_id: string;
  title: string;
  description: string;
  image_url: string | null;
  hashtags: string[];
  created_at: Date;
  variants: Array<{ id: string; sku: string; title: string; price_cents: number; currency: string }> | null;
}

/** `#Sneakers` → `sneakers`: tags are compared lowercase and without the hash. */
export const normaliseTag = (t: string) => t.replace(/^#/, '').toLowerCase();

const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  hostId: r.host_id,
  title: r.title,
  description: r.description,
  imageUrl: r.image_url,
  hashtags: r.hashtags,
  variants: (r.variants ?? []).map((v) => ({
    id: v.id,
    sku: v.sku,
    title: v.title,
    priceCents: v.price_cents,
    currency: v.currency,
  })),
  createdAt: r.created_at.toISOString(),
});

const SELECT_PRODUCTS = `
  select p.*, (select json_agg(json_build_object('id', v.id, 'sku', v.sku, 'title', v.title,
                 'price_cents', v.price_cents, 'currency', v.currency) order by v.sku)
               from variants v where v.product_id = p.id) as variants
  from products p`;

export class CatalogService {
  constructor(
    private readonly store: Store,
    private readonly onCommit: () => void,
  ) {}

  async create(host: Principal, input: NewProduct): Promise<Product> {
    const skus = input.variants.map((v) => v.sku);
    const dup = skus.find((s, i) => skus.indexOf(s) !== i);
    if (dup) throw new AppError('sku_taken', `SKU ${dup} appears twice`, { extra: { sku: dup } });
    const id = newId('product');
    try {
      await this.store.transaction(async (tx) => {
        await tx.query(
          `insert into products (id, host_id, title, description, image_url, hashtags)
           values ($1, $2, $3, $4, $5, $6)`,
          [
            id,
            host.id,
            input.title,
            input.description ?? '',
            input.imageUrl ?? null,
            (input.hashtags ?? []).map(normaliseTag),
          ],
        );
        await tx.query(
          `insert into variants (id, product_id, sku, title, price_cents, currency)
           select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[])`,
          [
            input.variants.map(() => newId('variant')),
            input.variants.map(() => id),
            skus,
            input.variants.map((v) => v.title),
            input.variants.map((v) => v.priceCents),
            input.variants.map((v) => v.currency),
          ],
        );
        await appendEvents(tx, [
          { type: 'product.created', key: id, payload: { productId: id, hostId: host.id, skus } },
        ]);
      });
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation) {
        throw new AppError('sku_taken', 'One of these SKUs is already in the catalog', { cause: e });
      }
      throw e;
    }
    this.onCommit();
    return (await this.get(id)) as Product;
  }

  async get(id: string): Promise<Product | undefined> {
    const [row] = await this.store.query<ProductRow>(`${SELECT_PRODUCTS} where p.id = $1`, [id]);
    return row ? toProduct(row) : undefined;
  }

  async list(filter: { tag?: string; hostId?: string; limit: number; offset: number }): Promise<Product[]> {
    const rows = await this.store.query<ProductRow>(
      `${SELECT_PRODUCTS}
       where ($1::text is null or $1 = any(p.hashtags)) and ($2::text is null or p.host_id = $2)
       order by p.created_at desc, p.id limit $3 offset $4`,
      [filter.tag ? normaliseTag(filter.tag) : null, filter.hostId ?? null, filter.limit, filter.offset],
    );
    return rows.map(toProduct);
  }

  async update(actor: Principal, id: string, patch: ProductPatch): Promise<Product> {
    const product = await this.get(id);
    if (!product) throw new AppError('not_found', 'Product not found');
    authorize(manage(actor, product.hostId, 'this product'));
    for (const v of patch.variants ?? []) {
      if (!product.variants.some((pv) => pv.sku === v.sku)) {
        throw new AppError('unknown_sku', `SKU ${v.sku} is not a variant of this product`, {
          extra: { sku: v.sku },
        });
      }
    }
    await this.store.transaction(async (tx) => {
      await tx.query(
        `update products set
           title = coalesce($2, title),
           description = coalesce($3, description),
           image_url = case when $4::boolean then $5 else image_url end,
           hashtags = coalesce($6, hashtags),
           updated_at = now()
         where id = $1`,
        [
          id,
          patch.title ?? null,
          patch.description ?? null,
          patch.imageUrl !== undefined,
          patch.imageUrl ?? null,
          patch.hashtags ? patch.hashtags.map(normaliseTag) : null,
        ],
      );
      for (const v of patch.variants ?? []) {
        await tx.query(
          `update variants set title = coalesce($2, title), price_cents = coalesce($3, price_cents)
           where sku = $1 and product_id = $4`,
          [v.sku, v.title ?? null, v.priceCents ?? null, id],
        );
      }
      await appendEvents(tx, [{ type: 'product.updated', key: id, payload: { productId: id } }]);
    });
    this.onCommit();
    return (await this.get(id)) as Product;
  }
}
