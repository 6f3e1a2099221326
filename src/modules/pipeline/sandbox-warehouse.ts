import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Sql } from '../../platform/store/store.ts';
import { lockOrder, orderEvent } from '../orders/index.ts';
import { applyOnce, isoAt, orderIdOf } from './apply-once.ts';
import type { PipelineDeps } from './deps.ts';

export const FULFILMENT_CONSUMER = 'fulfilment';
export const SANDBOX_CARRIER = 'Sandbox Post';

/** Derived from the order id: unique, and the same on every delivery of the event. */
export const sandboxTrackingNumber = (orderId: string) => `SBX${orderId.slice(4).toUpperCase()}`;

/**
 * The SANDBOX WAREHOUSE: a stand-in for a real warehouse and carrier, so that an order goes all
 * the way in development and demos. It packs every captured order at once and ships every packed
 * one with a sandbox tracking number; a prize without an address waits for
 * `order.shipping_added`. Delivery is confirmed by an admin or host (POST
 * /api/orders/:id/fulfilment), later by a carrier's webhook. A real warehouse integration
 * replaces this consumer.
 */
export function sandboxWarehouseConsumer(deps: PipelineDeps): ConsumerDefinition {
  return {
    name: FULFILMENT_CONSUMER,
    types: ['order.captured', 'order.packed', 'order.shipping_added'],
    handle: (event) =>
      applyOnce(deps, FULFILMENT_CONSUMER, event, (tx) =>
        event.type === 'order.captured' ? pack(tx, deps, orderIdOf(event)) : ship(tx, deps, orderIdOf(event)),
      ),
  };
}

async function pack(tx: Sql, deps: PipelineDeps, orderId: string): Promise<void> {
  const order = await lockOrder(tx, orderId);
  // Cancelled or refunded since its capture: nothing to pack.
  if (order?.state !== 'paid') return;
  const now = deps.clock.now();
  const packedAt = isoAt(now);
  await deps.orders.move(tx, orderId, 'paid', 'packed', now, {
    fulfilment: { ...order.fulfilment, warehouse: 'sandbox', packedAt },
  });
  await appendEvents(tx, [orderEvent('order.packed', order, { packedAt })]);
}

async function ship(tx: Sql, deps: PipelineDeps, orderId: string): Promise<void> {
  const order = await lockOrder(tx, orderId);
  if (order?.state !== 'packed' || !order.shipping) return;
  const now = deps.clock.now();
  const trackingNumber = sandboxTrackingNumber(orderId);
  const carrier = deps.carrier ?? SANDBOX_CARRIER;
  await deps.orders.move(tx, orderId, 'packed', 'shipped', now, {
    fulfilment: { ...order.fulfilment, trackingNumber, carrier, shippedAt: isoAt(now) },
  });
  await appendEvents(tx, [orderEvent('order.shipped', order, { trackingNumber, carrier })]);
}
