import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Store } from '../../platform/store/store.ts';

export interface WaitlistEntry {
  readonly id: string;
  readonly saleId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly state: 'waiting' | 'offered' | 'cancelled';
  /** 1-based place in line while waiting. */
  readonly position: number | null;
  readonly reservationId: string | null;
  readonly createdAt: string;
}

interface EntryRow {
  id: string;
  sale_id: string;
  sku: string;
  quantity: number;
  state: WaitlistEntry['state'];
  position: number | null;
  reservation_id: string | null;
  created_at: Date;
}

const toEntry = (r: EntryRow): WaitlistEntry => ({
  id: r.id,
  saleId: r.sale_id,
  sku: r.sku,
  quantity: r.quantity,
  state: r.state,
  position: r.position,
  reservationId: r.reservation_id,
  createdAt: r.created_at.toISOString(),
});

const SELECT_ENTRY = `
  select w.id, w.sale_id, i.sku, w.quantity, w.state, w.reservation_id, w.created_at,
         case when w.state = 'waiting' then (
           select count(*)::int from waitlist_entries o
           where o.sale_item_id = w.sale_item_id and o.state = 'waiting' and o.seq <= w.seq) end as position
  from waitlist_entries w join sale_items i on i.id = w.sale_item_id`;

export class WaitlistService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onCommit: () => void,
  ) {}

  /** Join the line for a sold-out item; returned units are offered in join order. */
  async join(buyerId: string, saleId: string, sku: string, quantity: number): Promise<WaitlistEntry> {
    const id = newId('waitlist');
    try {
      await this.store.transaction(async (tx) => {
        const [item] = await tx.query<{
          id: string;
          remaining: number;
          per_buyer_limit: number;
          ends_at: Date;
          active: boolean;
        }>(
          `select i.id, i.remaining, i.per_buyer_limit, s.ends_at, i.active
           from sale_items i join sales s on s.id = i.sale_id where i.sale_id = $1 and i.sku = $2`,
          [saleId, sku],
        );
        if (!item?.active) {
          const [sale] = await tx.query('select 1 from sales where id = $1', [saleId]);
          if (!sale) throw new AppError('not_found', 'Sale not found');
          throw new AppError('unknown_sku', `This sale has no item with SKU ${sku}`, { extra: { sku } });
        }
        if (item.ends_at.getTime() <= this.clock.now()) throw new AppError('ended', 'The sale has ended');
        if (item.remaining > 0) {
          throw new AppError('not_sold_out', `${item.remaining} still available: claim instead`, {
            extra: { remaining: item.remaining },
          });
        }
        if (quantity > item.per_buyer_limit) {
          throw new AppError('limit_exceeded', `The limit is ${item.per_buyer_limit} per buyer`, {
            extra: { limit: item.per_buyer_limit },
          });
        }
        await tx.query(
          `insert into waitlist_entries (id, sale_id, sale_item_id, buyer_id, quantity, state)
           values ($1, $2, $3, $4, $5, 'waiting')`,
          [id, saleId, item.id, buyerId, quantity],
        );
        await appendEvents(tx, [
          {
            type: 'waitlist.joined',
            key: saleId,
            payload: { entryId: id, saleId, itemId: item.id, sku, buyerId, quantity },
          },
        ]);
      });
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation) {
        throw new AppError('already_waitlisted', 'You are already on the waitlist for this item');
      }
      throw e;
    }
    this.onCommit();
    return (await this.get(buyerId, id)) as WaitlistEntry;
  }

  async get(buyerId: string, id: string): Promise<WaitlistEntry | undefined> {
    const [row] = await this.store.query<EntryRow>(`${SELECT_ENTRY} where w.id = $1 and w.buyer_id = $2`, [
      id,
      buyerId,
    ]);
    return row ? toEntry(row) : undefined;
  }

  async listForBuyer(buyerId: string): Promise<WaitlistEntry[]> {
    const rows = await this.store.query<EntryRow>(
      `${SELECT_ENTRY} where w.buyer_id = $1 order by w.created_at desc limit 100`,
      [buyerId],
    );
    return rows.map(toEntry);
  }

  async leave(buyerId: string, id: string): Promise<WaitlistEntry> {
    const rows = await this.store.query<{ id: string }>(
      `update waitlist_entries set state = 'cancelled' where id = $1 and buyer_id = $2 and state = 'waiting' returning id`,
      [id, buyerId],
    );
    const entry = await this.get(buyerId, id);
    if (!entry) throw new AppError('not_found', 'Waitlist entry not found');
    if (rows.length === 0 && entry.state !== 'cancelled') {
      throw new AppError('not_waiting', `This entry is ${entry.state}; only a waiting entry can be left`);
    }
    return entry;
  }
}
