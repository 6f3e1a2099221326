import type { OrderState } from '../../domain/order-state.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import { returnOrderStock } from '../claims/index.ts';
import type { AuthorizeOutcome, PaymentWebhook } from '../payments/index.ts';
import type { OrderFacts } from '../policy/index.ts';
import { moveOrder } from './locked-order.ts';
import { type Order, type OrderPayment, type OrderRow, SELECT_ORDERS, toOrder } from './types.ts';

/**
 * The payment states a provider's settlement webhook may move from. Webhooks arrive late and out
 * of order (each is retried on its own), so a late `captured` must not undo a `refunded`.
 */
const SETTLED_FROM: Record<'captured' | 'refunded' | 'voided', readonly OrderPayment['status'][]> = {
  captured: ['authorized'],
  voided: ['authorized', 'requires_action'],
  refunded: ['authorized', 'captured'],
};

/** How long an order may wait for its payment (a challenge never completed) before it fails. */
export const DEFAULT_PAYMENT_WINDOW_SECONDS = 15 * 60;

export class OrdersService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onCommit: () => void,
  ) {}

  /** What the policy needs of an order: its buyer and the hosts who sold its lines. */
  async facts(id: string, sql: Sql = this.store): Promise<OrderFacts | undefined> {
    const rows = await sql.query<{ buyer_id: string; host_id: string | null }>(
      `select o.buyer_id, s.host_id from orders o
       left join order_lines l on l.order_id = o.id
       left join sale_items i on i.id = l.sale_item_id
       left join sales s on s.id = i.sale_id
       where o.id = $1`,
      [id],
    );
    const [first] = rows;
    if (!first) return undefined;
    const sellerIds = [...new Set(rows.flatMap((r) => (r.host_id ? [r.host_id] : [])))];
    return { buyerId: first.buyer_id, sellerIds };
  }

  async get(id: string, sql: Sql = this.store): Promise<Order | undefined> {
    const [row] = await sql.query<OrderRow>(`${SELECT_ORDERS} where o.id = $1`, [id]);
    return row ? toOrder(row) : undefined;
  }

  async listForBuyer(buyerId: string, limit = 100): Promise<Order[]> {
    const rows = await this.store.query<OrderRow>(
      `${SELECT_ORDERS} where o.buyer_id = $1 order by o.created_at desc limit $2`,
      [buyerId, limit],
    );
    return rows.map(toOrder);
  }

  /**
   * Applies what the provider said, from the checkout call or a webhook, whichever comes first;
   * the second is a no-op. A decline returns the order's stock (waitlist first).
   */
  async applyAuthorization(orderId: string, outcome: AuthorizeOutcome): Promise<Order | undefined> {
    const now = this.clock.now();
    const changed = await this.store.transaction(async (tx) => {
      const [order] = await tx.query<{
        state: OrderState;
        payment: OrderPayment;
        buyer_id: string;
        total_cents: number;
        currency: string;
      }>('select state, payment, buyer_id, total_cents, currency from orders where id = $1 for update', [
        orderId,
      ]);
      if (order?.state !== 'pending_payment') return false;
      switch (outcome.status) {
        case 'requires_action': {
          const payment: OrderPayment = {
            ...order.payment,
            status: 'requires_action',
            ref: outcome.ref,
            label: outcome.label,
            nextAction: outcome.nextAction,
          };
          await tx.query('update orders set payment = $2::jsonb, updated_at = $3 where id = $1', [
            orderId,
            JSON.stringify(payment),
            new Date(now),
          ]);
          await appendEvents(tx, [
            {
              type: 'order.payment_action_required',
              key: orderId,
              payload: { orderId, buyerId: order.buyer_id, nextAction: outcome.nextAction },
            },
          ]);
          return true;
        }
        case 'authorized': {
          const { nextAction: _drop, ...rest } = order.payment;
          const payment: OrderPayment = {
            ...rest,
            status: 'authorized',
            ref: outcome.ref,
            label: outcome.label,
            ...(outcome.installments ? { installments: outcome.installments } : {}),
          };
          await this.move(tx, orderId, 'pending_payment', 'paid', now, { payment });
          if (outcome.savedToken && order.payment.saveMethod) {
            await tx.query(
              `insert into payment_methods (id, user_id, provider, provider_token, method, label) values ($1, $2, $3, $4, $5, $6)`,
              [
                newId('paymentMethod'),
                order.buyer_id,
                order.payment.provider,
                outcome.savedToken,
                order.payment.method,
                outcome.label,
              ],
            );
          }
          await appendEvents(tx, [
            {
              type: 'order.paid',
              key: orderId,
              payload: {
                orderId,
                buyerId: order.buyer_id,
                totalCents: order.total_cents,
                currency: order.currency,
                paymentRef: outcome.ref,
              },
            },
          ]);
          return true;
        }
        case 'declined': {
          const payment: OrderPayment = {
            ...order.payment,
            status: 'declined',
            ref: outcome.ref,
            reason: outcome.reason,
          };
          await this.failOrder(tx, orderId, order.buyer_id, payment, outcome.reason, now);
          return true;
        }
      }
    });
    if (changed) this.onCommit();
    return this.get(orderId);
  }

  /** A verified provider webhook. Authorisation outcomes settle a pending order; others are recorded. */
  async applyWebhook(webhook: PaymentWebhook): Promise<void> {
    switch (webhook.type) {
      case 'payment.authorized':
        await this.applyAuthorization(webhook.orderId, {
          status: 'authorized',
          ref: webhook.ref,
          label: webhook.label ?? 'Payment',
          ...(webhook.savedToken ? { savedToken: webhook.savedToken } : {}),
        });
        return;
      case 'payment.failed':
        await this.applyAuthorization(webhook.orderId, {
          status: 'declined',
          ref: webhook.ref,
          reason: webhook.reason ?? 'card_declined',
          message: 'Payment failed',
        });
        return;
      case 'payment.captured':
      case 'payment.refunded':
      case 'payment.voided': {
        const status = webhook.type.slice('payment.'.length) as 'captured' | 'refunded' | 'voided';
        await this.store.query(
          `update orders set payment = jsonb_set(payment, '{status}', to_jsonb($2::text)), updated_at = now()
           where id = $1 and payment->>'ref' = $3 and payment->>'status' = any($4::text[])`,
          [webhook.orderId, status, webhook.ref, SETTLED_FROM[status]],
        );
        return;
      }
    }
  }

  /** Orders left waiting for a payment past the window fail, and their stock returns. */
  async failStalePayments(windowSeconds = DEFAULT_PAYMENT_WINDOW_SECONDS): Promise<string[]> {
    const now = this.clock.now();
    const failed = await this.store.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; buyer_id: string; payment: OrderPayment }>(
        `select id, buyer_id, payment from orders where state = 'pending_payment' and created_at < $1
         order by created_at limit 200 for update skip locked`,
        [new Date(now - windowSeconds * 1000)],
      );
      for (const r of rows) {
        await this.failOrder(
          tx,
          r.id,
          r.buyer_id,
          { ...r.payment, status: 'failed', reason: 'payment_timeout' },
          'payment_timeout',
          now,
        );
      }
      return rows.map((r) => r.id);
    });
    if (failed.length > 0) this.onCommit();
    return failed;
  }

  private async failOrder(
    tx: Sql,
    orderId: string,
    buyerId: string,
    payment: OrderPayment,
    reason: string,
    now: number,
  ): Promise<void> {
    await this.move(tx, orderId, 'pending_payment', 'payment_failed', now, { payment });
    await returnOrderStock(tx, { orderId, buyerId, reason: 'payment_failed', now });
    await appendEvents(tx, [
      { type: 'order.payment_failed', key: orderId, payload: { orderId, buyerId, reason } },
    ]);
  }

  /** Moves an order between states, checked against the life cycle. */
  move(
    tx: Sql,
    orderId: string,
    from: OrderState,
    to: OrderState,
    now: number,
    set: { payment?: OrderPayment; fulfilment?: Record<string, unknown> } = {},
  ): Promise<boolean> {
    return moveOrder(tx, orderId, from, to, now, set);
  }
}
