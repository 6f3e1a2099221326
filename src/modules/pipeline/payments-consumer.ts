import { type ConsumerDefinition, wasProcessed } from '../../platform/bus/consumer-def.ts';
import { appendEvents, type EventRecord } from '../../platform/bus/events.ts';
import { lockOrder, type Order, type OrderPayment, orderEvent, setOrderPayment } from '../orders/index.ts';
import { applyOnce, isoAt, orderIdOf } from './apply-once.ts';
import type { PipelineDeps } from './deps.ts';

export const PAYMENTS_CONSUMER = 'payments';
/**
 * Deliveries before a dead letter, and the first retry delay (doubled each time): 250 + 500 +
 * 1,000 + 2,000 ms. Short on purpose: the group handles its events in log order, so while one
 * event backs off, every capture behind it waits.
 */
export const PAYMENTS_MAX_DELIVER = 5;
export const PAYMENTS_BACKOFF_MS = 250;
/**
 * Orders settled at once within a read of the log. Each capture is a provider round trip (the
 * sandbox's 40–180 ms); one at a time, a drop of 10,000 orders would take a quarter of an hour
 * to capture. Events of one order stay in log order.
 */
export const PAYMENTS_PARALLELISM = 16;

/** A provider refused or failed a capture, void or refund: thrown so that the consumer retries. */
export class SettlementFailed extends Error {
  override name = 'SettlementFailed';
}

type MoneyAction = 'capture' | 'void' | 'refund';

/**
 * Moves the money the order pipeline decided on: captures accepted orders (`order.captured`),
 * voids or refunds cancelled ones, refunds refunded ones. The provider is called outside any
 * transaction, then the result, its event and the processed marker commit together; a failure
 * throws, so the event is retried with backoff and dead-lettered after PAYMENTS_MAX_DELIVER.
 */
export function paymentsConsumer(deps: PipelineDeps): ConsumerDefinition {
  return {
    name: PAYMENTS_CONSUMER,
    types: ['order.accepted', 'order.cancelled', 'order.refunded', 'order.lines_cancelled'],
    maxDeliver: deps.paymentRetry?.maxDeliver ?? PAYMENTS_MAX_DELIVER,
    backoffMs: deps.paymentRetry?.backoffMs ?? PAYMENTS_BACKOFF_MS,
    handle: (event) => handleOne(deps, event),
    // A read of the log: different orders in parallel, one order's events in sequence. If one
    // fails the read is handed back one by one (retries, backoff, dead letter); what succeeded
    // here has its marker and is skipped.
    async batch(events) {
      const byOrder = new Map<string, EventRecord[]>();
      for (const e of events) {
        const id = orderIdOf(e);
        byOrder.set(id, [...(byOrder.get(id) ?? []), e]);
      }
      const chains = [...byOrder.values()];
      const failures: unknown[] = [];
      const worker = async () => {
        for (let chain = chains.shift(); chain; chain = chains.shift()) {
          try {
            for (const e of chain) await handleOne(deps, e);
          } catch (e) {
            failures.push(e);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PAYMENTS_PARALLELISM, chains.length) }, worker));
      if (failures.length > 0) throw failures[0];
    },
  };
}

async function handleOne(deps: PipelineDeps, event: EventRecord): Promise<void> {
  // Checked before calling the provider, so a redelivery does not even ask it twice.
  if (await wasProcessed(deps.store, PAYMENTS_CONSUMER, event.id)) return;
  if (event.type === 'order.accepted') await capture(deps, event);
  else if (event.type === 'order.lines_cancelled') await refundLines(deps, event);
  else await giveBack(deps, event);
}

async function capture(deps: PipelineDeps, event: EventRecord): Promise<void> {
  const order = await deps.orders.get(orderIdOf(event));
  // Cancelled or refunded before its turn: that event gives the money back instead.
  const due = order?.state === 'paid' && isCapturable(order.payment);
  if (due) await settle(deps, order, 'capture');
  await applyOnce(deps, PAYMENTS_CONSUMER, event, async (tx) => {
    if (!due) return;
    const locked = await lockOrder(tx, order.id);
    // capturedAt is set once: whatever the deliveries, one `order.captured` per order.
    if (!locked?.payment || locked.payment.capturedAt) return;
    const now = deps.clock.now();
    await setOrderPayment(
      tx,
      order.id,
      { ...locked.payment, status: 'captured', capturedAt: isoAt(now) },
      now,
    );
    // Recorded even if the order was cancelled meanwhile, so that its cancellation refunds.
    if (locked.state !== 'paid') return;
    await appendEvents(tx, [
      orderEvent('order.captured', locked, { amountCents: locked.total_cents, currency: locked.currency }),
    ]);
  });
}

/** order.cancelled / order.refunded: void what is only authorised, refund what was captured. */
async function giveBack(deps: PipelineDeps, event: EventRecord): Promise<void> {
  const order = await deps.orders.get(orderIdOf(event));
  const action = order ? giveBackAction(order.payment) : undefined;
  if (order && action) await settle(deps, order, action);
  await applyOnce(deps, PAYMENTS_CONSUMER, event, async (tx) => {
    if (!order || !action) return;
    const locked = await lockOrder(tx, order.id);
    if (!locked?.payment) return;
    const now = deps.clock.now();
    const status = action === 'void' ? 'voided' : 'refunded';
    await setOrderPayment(tx, order.id, { ...locked.payment, status, settledAt: isoAt(now) }, now);
  });
}

/**
 * order.lines_cancelled: a seller cancelled their lines of a multi-seller order. Captured money
 * for them is refunded; while only authorised nothing moves now, as the capture takes the
 * order's reduced total.
 */
async function refundLines(deps: PipelineDeps, event: EventRecord): Promise<void> {
  const order = await deps.orders.get(orderIdOf(event));
  const p = order?.payment;
  const amountCents = Number(event.payload['amountCents']);
  if (p?.status === 'captured' && p.ref && p.provider !== 'none' && amountCents > 0) {
    if (p.provider !== deps.provider.name)
      throw new SettlementFailed(
        `order ${order?.id} was paid through ${p.provider}, not ${deps.provider.name}`,
      );
    const outcome = await deps.provider.refund(p.ref, amountCents);
    if (!outcome.ok)
      throw new SettlementFailed(`refund of ${amountCents} on ${p.ref} failed: ${outcome.reason}`);
  }
  await applyOnce(deps, PAYMENTS_CONSUMER, event, async () => {});
}

/** Authorised (or captured already, by a delivery that crashed before recording it). */
const isCapturable = (p: OrderPayment | null): p is OrderPayment =>
  p?.status === 'authorized' || p?.status === 'captured';

/**
 * What giving the money back takes, from where the payment stands; undefined when nothing is
 * held (declined, already voided or refunded — a provider webhook may have recorded it first).
 */
export function giveBackAction(p: OrderPayment | null): 'void' | 'refund' | undefined {
  switch (p?.status) {
    case 'authorized':
    case 'requires_action':
      return 'void';
    case 'captured':
      return 'refund';
    default:
      return undefined;
  }
}

async function settle(deps: PipelineDeps, order: Order, action: MoneyAction): Promise<void> {
  const p = order.payment;
  // A prize (provider `none`) moved no money: there is nothing to capture or give back.
  if (!p?.ref || p.provider === 'none') return;
  if (p.provider !== deps.provider.name) {
    throw new SettlementFailed(`order ${order.id} was paid through ${p.provider}, not ${deps.provider.name}`);
  }
  const outcome =
    action === 'capture'
      ? await deps.provider.capture(p.ref, order.totalCents)
      : action === 'void'
        ? await deps.provider.void(p.ref)
        : await deps.provider.refund(p.ref, order.totalCents);
  if (!outcome.ok) throw new SettlementFailed(`${action} of ${p.ref} failed: ${outcome.reason}`);
}
