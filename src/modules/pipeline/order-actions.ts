import { canMove } from '../../domain/order-state.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import { AppError } from '../../platform/errors.ts';
import type { Sql } from '../../platform/store/store.ts';
import { record } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import {
  type CancelledBy,
  cancelOrder,
  cancelSellerLines,
  type LockedOrder,
  lockOrder,
  type Order,
  orderEvent,
  refundOrder,
} from '../orders/index.ts';
import {
  authorize,
  cancelOrder as cancelOrderRule,
  cancelScope,
  type Decision,
  fulfilOrder,
  type OrderFacts,
  standingOnOrder,
  viewOrder,
} from '../policy/index.ts';
import { isoAt } from './apply-once.ts';
import type { PipelineDeps } from './deps.ts';
import { type FraudCheck, getFraudCheck, recordReviewDecision } from './fraud-checks.ts';
import { acceptedEvent } from './fraud-screening.ts';

export const CANCEL_REASONS = ['requested', 'out_of_stock', 'duplicate', 'suspected_fraud', 'other'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];
export const REFUND_REASONS = ['requested', 'damaged', 'not_received', 'returned', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

type Acting = Exclude<CancelledBy, 'fraud'>;
/** Who acts, and from where (recorded in the audit log). */
type Actor = Principal & { readonly ip?: string };

/**
 * What people do to an order after checkout: cancel, refund, decide a fraud review, confirm a
 * delivery. Each is one transaction under the order's row lock (the move, the stock, the event);
 * the money follows in the `payments` consumer.
 */
export class OrderActions {
  constructor(private readonly d: PipelineDeps) {}

  /** Its buyer before it ships, the host who sold it, or an admin. */
  cancel(actor: Actor, orderId: string, reason: CancelReason = 'requested'): Promise<Order> {
    return this.write(actor, orderId, cancelOrderRule, async (tx, order, role, now) => {
      if (!canMove(order.state, 'cancelled')) {
        throw new AppError('order_not_cancellable', `This order is ${order.state}`, {
          extra: { state: order.state },
        });
      }
      // The authorisation is on its way: cancelling now could leave it behind, never voided.
      if (order.payment?.status === 'processing') {
        throw new AppError('order_not_cancellable', 'The payment is being authorised; try again shortly', {
          extra: { state: order.state, paymentStatus: 'processing' },
        });
      }
      // A host's cancel of a multi-seller order takes their own lines only (the policy's scope).
      const facts = await this.d.orders.facts(order.id, tx);
      if (facts && cancelScope(actor, facts) === 'own_lines') {
        const done = await cancelSellerLines(tx, { order, sellerId: actor.id, now });
        if (done === 'lines') {
          const details = { reason, as: role, from: order.state, scope: 'own_lines' };
          return audit(tx, { actor, now, action: 'order.cancelled', order, details });
        }
      }
      await cancelOrder(tx, { order, reason, by: role, now });
      const details = { reason, as: role, from: order.state };
      await audit(tx, { actor, now, action: 'order.cancelled', order, details });
    });
  }

  /** Admin: a captured order's money goes back; its stock too while the goods have not shipped. */
  refund(admin: Actor, orderId: string, reason: RefundReason = 'requested'): Promise<Order> {
    return this.write(admin, orderId, viewOrder, async (tx, order, _role, now) => {
      if (!canMove(order.state, 'refunded') || order.payment?.status !== 'captured') {
        throw new AppError('order_not_refundable', refusalOfRefund(order), {
          extra: { state: order.state, paymentStatus: order.payment?.status ?? null },
        });
      }
      const unitsReturned = await refundOrder(tx, { order, reason, now });
      const details = { reason, amountCents: order.total_cents, currency: order.currency, unitsReturned };
      await audit(tx, { actor: admin, now, action: 'order.refunded', order, details });
    });
  }

  /** Admin: an order the fraud rules sent to review goes on (accept) or is cancelled (reject). */
  decideReview(admin: Principal, orderId: string, decision: 'accept' | 'reject'): Promise<Order> {
    return this.write(admin, orderId, viewOrder, async (tx, order, _role, now) => {
      const check = await getFraudCheck(tx, orderId, { lock: true });
      if (check?.outcome !== 'review' || check.decision !== null || order.state !== 'paid') {
        throw new AppError('not_in_review', 'This order is not waiting for a review', {
          extra: { state: order.state, outcome: check?.outcome ?? null, decision: check?.decision ?? null },
        });
      }
      await recordReviewDecision(tx, { orderId, decision, adminId: admin.id, now });
      if (decision === 'accept') await appendEvents(tx, [acceptedEvent(order, { reviewedBy: admin.id })]);
      else await cancelOrder(tx, { order, reason: 'fraud_rejected', by: 'admin', now });
    });
  }

  /** The host who sold it, or an admin, confirms that a shipped order arrived. */
  deliver(actor: Principal, orderId: string): Promise<Order> {
    return this.write(actor, orderId, fulfilOrder, async (tx, order, _role, now) => {
      if (order.state !== 'shipped') {
        throw new AppError('order_not_shipped', `This order is ${order.state}, not shipped`, {
          extra: { state: order.state },
        });
      }
      const deliveredAt = isoAt(now);
      await this.d.orders.move(tx, order.id, 'shipped', 'delivered', now, {
        fulfilment: { ...order.fulfilment, deliveredAt },
      });
      await appendEvents(tx, [orderEvent('order.delivered', order, { deliveredAt })]);
    });
  }

  /** Admin: the order's screening, with its reasons and the facts the rules saw. */
  async fraudCheck(orderId: string): Promise<FraudCheck> {
    const check = await getFraudCheck(this.d.store, orderId);
    if (!check) throw new AppError('not_found', 'This order has not been screened');
    return check;
  }

  /** Locks the order, asks the policy whether the actor may act on it, runs `act`, commits. */
  private async write(
    actor: Principal,
    orderId: string,
    rule: (actor: Principal, order: OrderFacts) => Decision,
    act: (tx: Sql, order: LockedOrder, role: Acting, now: number) => Promise<void>,
  ): Promise<Order> {
    await this.d.store.transaction(async (tx) => {
      const order = await lockOrder(tx, orderId);
      // Not yours and not found look the same (docs/errors.md, not_found).
      if (!order) throw new AppError('not_found', 'Order not found');
      const facts = await this.d.orders.facts(order.id, tx);
      if (!facts) throw new AppError('not_found', 'Order not found');
      authorize(rule(actor, facts));
      const role = standingOnOrder(actor, facts);
      if (!role) throw new AppError('not_found', 'Order not found');
      await act(tx, order, role, this.d.clock.now());
    });
    this.d.onCommit();
    return (await this.d.orders.get(orderId)) as Order;
  }
}

/** The action's audit entry, in its transaction: it commits with the order's move or not at all. */
function audit(
  tx: Sql,
  {
    actor,
    now,
    action,
    order,
    details,
  }: {
    actor: Actor;
    now: number;
    action: 'order.cancelled' | 'order.refunded';
    order: LockedOrder;
    details: Record<string, unknown>;
  },
): Promise<void> {
  return record(tx, {
    at: now,
    actor: { id: actor.id, role: actor.role, ip: actor.ip },
    action,
    target: { type: 'order', id: order.id },
    details,
  });
}

function refusalOfRefund(order: LockedOrder): string {
  if (order.payment?.status === 'authorized')
    return 'The payment is not captured yet: cancel the order instead';
  return `This order is ${order.state} and its payment ${order.payment?.status ?? 'absent'}`;
}
