import { randomBytes } from 'node:crypto';
import { commitment } from '../../domain/fair-draw.ts';
import { saleStatus } from '../../domain/sale-status.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { normaliseTag } from '../catalog/index.ts';
import { sellSku } from '../policy/index.ts';
import type { NewSale, Sale, SaleInfo, SaleItem, SaleItemsWriter, WaitingRoomConfig } from './types.ts';

export const DEFAULT_HOLD_SECONDS = 600;
const INFO_TTL_MS = 5_000;
/** Sales whose info a node keeps (a sale's is a few hundred bytes). */
const INFO_MAX = 10_000;

interface SaleRow {
  id: string;
  host_id: string;
  title: string;
  kind: 'sale' | 'show';
  starts_at: Date;
  ends_at: Date;
  hashtags: string[];
  hold_seconds: number;
  waiting_room: WaitingRoomConfig | null;
  party_id: string | null;
  items: Array<{
    id: string;
    sku: string;
    title: string;
    price_cents: number;
    currency: string;
    stock: number;
    remaining: number;
    per_buyer_limit: number;
    image_url: string | null;
    active: boolean;
    version: number;
  }> | null;
}

const SELECT_SALES = `
  select s.*, (
    select json_agg(json_build_object('id', i.id, 'sku', i.sku, 'title', i.title, 'price_cents', i.price_cents,
             'currency', i.currency, 'stock', i.stock, 'remaining', i.remaining,
             'per_buyer_limit', i.per_buyer_limit, 'image_url', p.image_url, 'active', i.active,
             'version', i.version) order by i.position, i.sku)
    from sale_items i join variants v on v.id = i.variant_id join products p on p.id = v.product_id
    where i.sale_id = s.id) as items
  from sales s`;

/** A product variant as a sale item is made from it. */
interface HostVariant {
  id: string;
  sku: string;
  title: string;
  product_title: string;
  price_cents: number;
  currency: string;
  host_id: string;
}

export type SaleListStatus = 'upcoming' | 'scheduled' | 'live' | 'sold_out' | 'ended';

export class SalesService {
  private readonly infoCache: Cache<string, SaleInfo>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onCommit: () => void,
    /** The claims module's writer of item rows (`insertSaleItems`). */
    private readonly writeItems: SaleItemsWriter,
  ) {
    this.infoCache = createCache({ max: INFO_MAX, ttlMs: INFO_TTL_MS, clock });
  }

  toSale(row: SaleRow, now = this.clock.now()): Sale {
    const items: SaleItem[] = (row.items ?? []).map((i) => ({
      id: i.id,
      sku: i.sku,
      title: i.title,
      priceCents: i.price_cents,
      currency: i.currency,
      stock: i.stock,
      remaining: i.remaining,
      perBuyerLimit: i.per_buyer_limit,
      imageUrl: i.image_url,
      active: i.active,
      version: i.version,
    }));
    const remaining = items.filter((i) => i.active).reduce((n, i) => n + i.remaining, 0);
    return {
      id: row.id,
      hostId: row.host_id,
      title: row.title,
      kind: row.kind,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at.toISOString(),
      hashtags: row.hashtags,
      holdSeconds: row.hold_seconds,
      waitingRoom: row.waiting_room,
      partyId: row.party_id ?? null,
      status: saleStatus(
        { startsAt: row.starts_at.getTime(), endsAt: row.ends_at.getTime() },
        remaining,
        now,
      ),
      items,
      serverTime: new Date(now).toISOString(),
    };
  }

  async create(
    host: Principal,
    input: NewSale,
    opts: { kind?: 'sale' | 'show'; tx?: Sql; partyId?: string } = {},
  ): Promise<Sale> {
    const startsAt = Date.parse(input.startsAt);
    const endsAt = Date.parse(input.endsAt);
    if (!(endsAt > startsAt)) throw new AppError('invalid_sale', 'endsAt must be after startsAt');
    const skus = input.items.map((i) => i.sku);
    const dup = skus.find((s, i) => skus.indexOf(s) !== i);
    if (dup) throw new AppError('invalid_sale', `SKU ${dup} is listed twice`, { extra: { sku: dup } });
    const id = newId('sale');
    // The waiting room's pre-open draw is committed now, before anyone can join (domain/fair-draw.ts).
    const seed = input.waitingRoom ? randomBytes(32).toString('hex') : null;
    const write = async (tx: Sql) => {
      const bySku = await this.hostVariants(tx, host, skus);
      await tx.query(
        `insert into sales (id, host_id, title, starts_at, ends_at, hashtags, hold_seconds, waiting_room, kind, party_id,
                            queue_seed, queue_seed_hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          id,
          host.id,
          input.title,
          new Date(startsAt),
          new Date(endsAt),
          (input.hashtags ?? []).map(normaliseTag),
          input.holdSeconds ?? DEFAULT_HOLD_SECONDS,
          input.waitingRoom ? JSON.stringify(input.waitingRoom) : null,
          opts.kind ?? 'sale',
          opts.partyId ?? null,
          seed,
          seed ? commitment(seed) : null,
        ],
      );
      if (input.items.length > 0) await this.insertItems(tx, id, input.items, bySku, 0);
      await appendEvents(tx, [
        {
          type: 'sale.created',
          key: id,
          payload: { saleId: id, hostId: host.id, startsAt: input.startsAt, endsAt: input.endsAt },
        },
      ]);
    };
    if (opts.tx) await write(opts.tx);
    else await this.store.transaction(write);
    this.onCommit();
    return (await this.get(id, opts.tx)) as Sale;
  }

  /**
   * The variants of these SKUs, checked to exist and to be the host's own (an admin may sell any).
   * Throws unknown_sku or forbidden for the first that is not.
   */
  async hostVariants(sql: Sql, host: Principal, skus: readonly string[]): Promise<Map<string, HostVariant>> {
    const variants = await sql.query<HostVariant>(
      `select v.id, v.sku, v.title, p.title as product_title, v.price_cents, v.currency, p.host_id
       from variants v join products p on p.id = v.product_id where v.sku = any($1)`,
      [skus],
    );
    const bySku = new Map(variants.map((v) => [v.sku, v]));
    for (const sku of skus) {
      const v = bySku.get(sku);
      if (!v) throw new AppError('unknown_sku', `No product variant has SKU ${sku}`, { extra: { sku } });
      const may = sellSku(host, { sku, hostId: v.host_id });
      if (!may.ok) throw new AppError(may.code, may.message, { extra: { sku } });
    }
    return bySku;
  }

  async insertItems(
    tx: Sql,
    saleId: string,
    items: NewSale['items'],
    bySku: ReadonlyMap<
      string,
      { id: string; title: string; product_title: string; price_cents: number; currency: string }
    >,
    firstPosition: number,
  ): Promise<string[]> {
    const ids = items.map(() => newId('saleItem'));
    await this.writeItems(
      tx,
      saleId,
      ids,
      items.map((i, n) => {
        const v = bySku.get(i.sku);
        return {
          variantId: v?.id,
          sku: i.sku,
          title: v ? (v.title === v.product_title ? v.title : `${v.product_title} — ${v.title}`) : i.sku,
          priceCents: i.priceCents ?? v?.price_cents ?? 0,
          currency: v?.currency ?? 'USD',
          stock: i.stock,
          perBuyerLimit: i.perBuyerLimit,
          position: firstPosition + n,
        };
      }),
    );
    this.infoCache.delete(saleId);
    return ids;
  }

  async get(id: string, sql: Sql = this.store): Promise<Sale | undefined> {
    const [row] = await sql.query<SaleRow>(`${SELECT_SALES} where s.id = $1`, [id]);
    return row ? this.toSale(row) : undefined;
  }

  /** A party's sales that have not ended, by start time. */
  async ofParty(partyId: string): Promise<Sale[]> {
    const now = this.clock.now();
    const rows = await this.store.query<SaleRow>(
      `${SELECT_SALES} where s.party_id = $1 and s.ends_at > $2 order by s.starts_at`,
      [partyId, new Date(now)],
    );
    return rows.map((r) => this.toSale(r, now));
  }

  async list(filter: {
    status?: SaleListStatus;
    tag?: string;
    hostId?: string;
    limit: number;
    offset: number;
  }): Promise<Sale[]> {
    const now = new Date(this.clock.now());
    const status = filter.status === 'upcoming' ? 'scheduled' : filter.status;
    const rows = await this.store.query<SaleRow>(
      `${SELECT_SALES}
       where s.kind = 'sale'
         and ($1::text is null or $1 = any(s.hashtags))
         and ($2::text is null
              or ($2 = 'scheduled' and s.starts_at > $3)
              or ($2 in ('live', 'sold_out') and s.starts_at <= $3 and s.ends_at > $3)
              or ($2 = 'ended' and s.ends_at <= $3))
         and ($6::text is null or s.host_id = $6)
       order by case when s.ends_at <= $3 then 1 else 0 end, s.starts_at, s.id
       limit $4 offset $5`,
      [
        filter.tag ? normaliseTag(filter.tag) : null,
        status ?? null,
        now,
        filter.limit,
        filter.offset,
        filter.hostId ?? null,
      ],
    );
    const sales = rows.map((r) => this.toSale(r, now.getTime()));
    // "live" lists sales in their window, sold out or not; "sold_out" only those.
    return status === 'sold_out' ? sales.filter((s) => s.status === 'sold_out') : sales;
  }

  /** Sale window and item ids for the claim engine; cached briefly (the commit re-checks). */
  async info(saleId: string, opts: { refresh?: boolean } = {}): Promise<SaleInfo | undefined> {
    const cached = opts.refresh ? undefined : this.infoCache.get(saleId);
    if (cached) return cached;
    const [row] = await this.store.query<{
      id: string;
      starts_at: Date;
      ends_at: Date;
      hold_seconds: number;
      waiting_room: WaitingRoomConfig | null;
      queue_seed: string | null;
      queue_seed_hash: string | null;
      items: Array<{ id: string; sku: string; active: boolean }> | null;
    }>(
      `select s.id, s.starts_at, s.ends_at, s.hold_seconds, s.waiting_room, s.queue_seed, s.queue_seed_hash,
              (select json_agg(json_build_object('id', i.id, 'sku', i.sku, 'active', i.active))
               from sale_items i where i.sale_id = s.id) as items
       from sales s where s.id = $1`,
      [saleId],
    );
    if (!row) {
      this.infoCache.delete(saleId);
      return undefined;
    }
    const info: SaleInfo = {
      id: row.id,
      startsAt: row.starts_at.getTime(),
      endsAt: row.ends_at.getTime(),
      holdSeconds: row.hold_seconds,
      waitingRoom: row.waiting_room,
      queueDraw:
        row.queue_seed && row.queue_seed_hash
          ? { seed: row.queue_seed, seedHash: row.queue_seed_hash }
          : null,
      itemsBySku: new Map((row.items ?? []).map((i) => [i.sku, { id: i.id, active: i.active }])),
    };
    this.infoCache.set(saleId, info);
    return info;
  }

  /** Sales whose waiting room is open now or opens within `aheadMs`, and that have not ended. */
  async withWaitingRoom(
    now: number,
    aheadMs = 10_000,
  ): Promise<Array<SaleInfo & { waitingRoom: WaitingRoomConfig }>> {
    const rows = await this.store.query<{ id: string }>(
      `select id from sales
       where waiting_room is not null and ends_at > $1
         and starts_at - make_interval(secs => coalesce((waiting_room->>'opensBeforeSeconds')::int, 0)) <= $2`,
      [new Date(now), new Date(now + aheadMs)],
    );
    const out: Array<SaleInfo & { waitingRoom: WaitingRoomConfig }> = [];
    for (const r of rows) {
      const info = await this.info(r.id);
      if (info?.waitingRoom) out.push(info as SaleInfo & { waitingRoom: WaitingRoomConfig });
    }
    return out;
  }

  /** A show's sale opens when the show goes live (now at the latest) and runs until `endsAt`. */
  async openForShow(tx: Sql, saleId: string, now: number, endsAt: number): Promise<void> {
    await tx.query('update sales set starts_at = least(starts_at, $2), ends_at = $3 where id = $1', [
      saleId,
      new Date(now),
      new Date(endsAt),
    ]);
  }

  /** A show's sale closes with the show: holds already made can still be checked out. */
  async closeForShow(tx: Sql, saleId: string, now: number): Promise<void> {
    await tx.query(
      "update sales set ends_at = greatest(starts_at + interval '1 millisecond', $2) where id = $1",
      [saleId, new Date(now)],
    );
  }

  forget(saleId: string): void {
    this.infoCache.delete(saleId);
  }
}
