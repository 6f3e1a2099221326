import { canMove, type OrderState } from '../../domain/order-state.ts';
import type { Sql } from '../../platform/store/store.ts';
import type { OrderPayment, Shipping } from './types.ts';

/** The order row as a move reads it, under its row lock. */
export interface LockedOrder {
  readonly id: string;
  readonly buyer_id: string;
  readonly state: OrderState;
  readonly total_cents: number;
  readonly currency: string;
  readonly payment: OrderPayment | null;
  readonly shipping: Shipping | null;
  readonly fulfilment: Record<string, unknown> | null;
  readonly client_ip: string | null;
  readonly payment_fingerprint: string | null;
  readonly created_at: Date;
}

/** Locks one order row for the caller's transaction: every move after checkout starts here. */
export async function lockOrder(tx: Sql, orderId: string): Promise<LockedOrder | undefined> {
  const [row] = await tx.query<LockedOrder>(
    `select id, buyer_id, state, total_cents, currency, payment, shipping, fulfilment, client_ip,
            payment_fingerprint, created_at
     from orders where id = $1 for update`,
    [orderId],
  );
  return row;
}

/** Records where the order's money stands (captured, voided, refunded), in the caller's transaction. */
export async function setOrderPayment(
  tx: Sql,
  orderId: string,
  payment: OrderPayment,
  now: number,
): Promise<void> {
  await tx.query('update orders set payment = $2::jsonb, updated_at = $3 where id = $1', [
    orderId,
    JSON.stringify(payment),
    new Date(now),
  ]);
}

/** Moves an order between states, checked against the life cycle; false when it was not in `from`. */
export async function moveOrder(
  tx: Sql,
  orderId: string,
  from: OrderState,
  to: OrderState,
  now: number,
  set: { payment?: OrderPayment; fulfilment?: Record<string, unknown> } = {},
): Promise<boolean> {
  if (!canMove(from, to)) throw new Error(`order ${orderId}: ${from} → ${to} is not a valid move`);
  const rows = await tx.query(
    `update orders set state = $3, updated_at = $4,
         payment = coalesce($5::jsonb, payment), fulfilment = coalesce($6::jsonb, fulfilment)
       where id = $1 and state = $2 returning id`,
    [
      orderId,
      from,
      to,
      new Date(now),
      set.payment ? JSON.stringify(set.payment) : null,
      set.fulfilment ? JSON.stringify(set.fulfilment) : null,
    ],
  );
  return rows.length > 0;
}
