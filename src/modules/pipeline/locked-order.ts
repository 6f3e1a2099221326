import type { OrderState } from '../../domain/order-state.ts';
import { markProcessed } from '../../platform/bus/consumer-def.ts';
import type { EventRecord } from '../../platform/bus/events.ts';
import type { Sql } from '../../platform/store/store.ts';
import type { OrderPayment, Shipping } from '../orders/index.ts';
import type { PipelineDeps } from './deps.ts';

/** The order row as the pipeline reads it, under its row lock. */
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

/** Locks one order row for the caller's transaction: every move of the pipeline starts here. */
export async function lockOrder(tx: Sql, orderId: string): Promise<LockedOrder | undefined> {
  const [row] = await tx.query<LockedOrder>(
    `select id, buyer_id, state, total_cents, currency, payment, shipping, fulfilment, client_ip,
            payment_fingerprint, created_at
     from orders where id = $1 for update`,
    [orderId],
  );
  return row;
}

export async function setPayment(
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

/**
 * One step of a consumer: the writes of `step`, its outbox events and the consumer's processed
 * marker commit together, so a redelivered event finds the marker and has no second effect.
 */
export async function applyOnce(
  deps: Pick<PipelineDeps, 'store' | 'onCommit'>,
  consumer: string,
  event: EventRecord,
  step: (tx: Sql) => Promise<void>,
): Promise<void> {
  const fresh = await deps.store.transaction(async (tx) => {
    if (!(await markProcessed(tx, consumer, event.id))) return false;
    await step(tx);
    return true;
  });
  if (fresh) deps.onCommit();
}

export const orderIdOf = (event: EventRecord) => String(event.payload['orderId']);
export const isoAt = (ms: number) => new Date(ms).toISOString();
