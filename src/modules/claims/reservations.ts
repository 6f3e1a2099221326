import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/store.ts';
import { returnStock } from './stock-return.ts';
import {
  RESERVATION_COLUMNS,
  type Reservation,
  type ReservationRow,
  type ReservationState,
  toReservation,
} from './types.ts';

export class ReservationsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onCommit: () => void,
  ) {}

  async listForBuyer(buyerId: string, state?: ReservationState): Promise<Reservation[]> {
    const rows = await this.store.query<ReservationRow>(
      `select ${RESERVATION_COLUMNS} from reservations
       where buyer_id = $1 and ($2::text is null or state = $2)
       order by created_at desc limit 200`,
      [buyerId, state ?? null],
    );
    return rows.map(toReservation);
  }

  async get(buyerId: string, id: string): Promise<Reservation | undefined> {
    const [row] = await this.store.query<ReservationRow>(
      `select ${RESERVATION_COLUMNS} from reservations where id = $1 and buyer_id = $2`,
      [id, buyerId],
    );
    return row ? toReservation(row) : undefined;
  }

  /** The owner lets a hold go: its units return to stock (waitlist first). */
  async release(buyerId: string, id: string): Promise<Reservation> {
    const now = this.clock.now();
    const released = await this.store.transaction(async (tx) => {
      const [row] = await tx.query<ReservationRow>(
        `select ${RESERVATION_COLUMNS} from reservations where id = $1 and buyer_id = $2 for update`,
        [id, buyerId],
      );
      if (!row) throw new AppError('not_found', 'Reservation not found');
      if (row.state !== 'held') {
        throw new AppError('reservation_not_held', `This reservation is ${row.state}, not held`, {
          extra: { state: row.state },
        });
      }
      const [updated] = await tx.query<ReservationRow>(
        `update reservations set state = 'released', updated_at = $2 where id = $1 returning ${RESERVATION_COLUMNS}`,
        [id, new Date(now)],
      );
      await returnStock(
        tx,
        [
          {
            reservationId: id,
            saleId: row.sale_id,
            saleItemId: row.sale_item_id,
            buyerId,
            quantity: row.quantity,
          },
        ],
        { reason: 'released', now },
      );
      return updated as ReservationRow;
    });
    this.onCommit();
    return toReservation(released);
  }
}
