import type { Logger } from 'pino';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Sql, Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { checkOutHolds } from '../claims/index.ts';
import type { PaymentMethodKind, PaymentProvider } from '../payments/index.ts';
import type { OrdersService } from './service.ts';
import type { Order, OrderPayment, Shipping } from './types.ts';

export type CheckoutPayment =
  | { readonly method: PaymentMethodKind; readonly token: string; readonly save?: boolean }
  | { readonly savedMethodId: string };

export interface CheckoutInput {
  readonly reservationIds: readonly string[];
  readonly payment: CheckoutPayment;
  readonly shipping: Shipping;
  /** The buyer's address as the server sees it (the fraud rules' IP velocity). */
  readonly clientIp?: string;
}

/** Where the order was placed from and what pays it, kept on the order for the fraud rules. */
interface Origin {
  readonly clientIp: string | null;
  readonly fingerprint: string;
}

interface HeldRow {
  id: string;
  state: string;
  expires_at: Date;
  order_id: string | null;
  sku: string;
  title: string;
  quantity: number;
  price_cents: number;
  currency: string;
  sale_item_id: string;
  sale_id: string;
}

type Placed =
  | { kind: 'placed'; orderId: string; totalCents: number; currency: string }
  | { kind: 'replay'; orderId: string };

/**
 * Checkout as a flow of named steps, each write with its undo:
 *  1. place: lock the buyer's holds, turn them into one `pending_payment` order (one transaction);
 *  2. authorise: ask the payment provider, outside any lock (stock is already set aside);
 *  3. settle: `paid`, or `payment_failed` with the stock returned (the undo of step 1).
 * The same reservations checked out twice give the same order: a double-clicked "pay" is one
 * order and one authorisation (the order id is the provider's idempotency key).
 */
export class CheckoutService {
  constructor(
    private readonly o: {
      store: Store;
      clock: Clock;
      logger: Logger;
      provider: PaymentProvider;
      orders: OrdersService;
      onCommit: () => void;
    },
  ) {}

  async checkout(buyer: Principal, input: CheckoutInput): Promise<{ order: Order; replayed: boolean }> {
    if (buyer.guest && !input.shipping.email) {
      throw new AppError('validation_failed', 'Guests must give an email for the receipt', {
        extra: { errors: [{ path: 'body.shipping.email', message: 'is required for guest checkout' }] },
      });
    }
    const pay = await this.resolvePayment(buyer, input.payment);
    const origin = this.originOf(input.clientIp, pay.token, buyer.id);
    const placed = await this.o.store.transaction((tx) => this.place(tx, buyer, input, { ...pay, origin }));
    if (placed.kind === 'replay') {
      return { order: (await this.o.orders.get(placed.orderId)) as Order, replayed: true };
    }
    this.o.onCommit();
    const order = await this.authorise(placed.orderId, placed.totalCents, placed.currency, pay);
    return { order, replayed: false };
  }

  /**
   * Pays an order that was created waiting for its payment (an auction win, a runner-up offer):
   * the same authorise-then-settle steps as checkout, with the shipping address given now.
   */
  async payOrder(
    buyer: Principal,
    orderId: string,
    input: { payment: CheckoutPayment; shipping: Shipping; clientIp?: string },
  ): Promise<Order> {
    const pay = await this.resolvePayment(buyer, input.payment);
    const origin = this.originOf(input.clientIp, pay.token, buyer.id);
    const order = await this.o.store.transaction(async (tx) => {
      const [row] = await tx.query<{
        buyer_id: string;
        state: string;
        payment: OrderPayment | null;
        total_cents: number;
        currency: string;
      }>('select buyer_id, state, payment, total_cents, currency from orders where id = $1 for update', [
        orderId,
      ]);
      if (!row || row.buyer_id !== buyer.id) throw new AppError('not_found', 'Order not found');
      if (row.state !== 'pending_payment' || row.payment !== null) {
        throw new AppError(
          'reservation_unavailable',
          `This order is ${row.state}${row.payment ? ' and its payment has started' : ''}`,
          {
            extra: { state: row.state },
          },
        );
      }
      await tx.query(
        `update orders set payment = $2::jsonb, shipping = $3::jsonb, updated_at = $4,
           client_ip = $5, payment_fingerprint = $6 where id = $1`,
        [
          orderId,
          JSON.stringify(this.processingPayment(pay)),
          JSON.stringify(input.shipping),
          new Date(this.o.clock.now()),
          origin.clientIp,
          origin.fingerprint,
        ],
      );
      return row;
    });
    return this.authorise(orderId, order.total_cents, order.currency, pay);
  }

  /**
   * Steps 2 and 3: asks the provider (the order id is its idempotency key), then settles the
   * order; a decline is thrown as payment_declined.
   */
  private async authorise(
    orderId: string,
    amountCents: number,
    currency: string,
    pay: { method: PaymentMethodKind; token: string; save: boolean },
  ): Promise<Order> {
    let order: Order | undefined;
    try {
      const outcome = await this.o.provider.authorize({
        orderId,
        amountCents,
        currency,
        method: pay.method,
        token: pay.token,
        idempotencyKey: orderId,
        saveMethod: pay.save,
      });
      order = await this.o.orders.applyAuthorization(orderId, outcome);
    } catch (e) {
      // The provider did not answer: the order stays pending_payment; its webhook or the
      // payment window settles it. The buyer sees "processing", not an error.
      this.o.logger.warn({ err: toError(e), order: orderId }, 'authorisation did not complete');
    }
    order ??= (await this.o.orders.get(orderId)) as Order;
    if (order.state === 'payment_failed') {
      throw new AppError('payment_declined', declineMessage(order.payment?.reason), {
        extra: { orderId, reason: order.payment?.reason ?? 'declined' },
      });
    }
    return order;
  }

  /** The payment of an order whose authorisation is about to be asked for. */
  private processingPayment(pay: { method: PaymentMethodKind; save: boolean }): OrderPayment {
    return {
      provider: this.o.provider.name,
      method: pay.method,
      status: 'processing',
      ...(pay.save ? { saveMethod: true } : {}),
    };
  }

  /**
   * A prize (price 0) is paid already; its winner adds where to send it. `order.shipping_added`
   * tells the warehouse that a packed order waiting for its address can go.
   */
  async setShipping(buyer: Principal, orderId: string, shipping: Shipping): Promise<Order> {
    const rows = await this.o.store.transaction(async (tx) => {
      const set = await tx.query(
        `update orders set shipping = $3::jsonb, updated_at = $4 where id = $1 and buyer_id = $2 and shipping is null returning id`,
        [orderId, buyer.id, JSON.stringify(shipping), new Date(this.o.clock.now())],
      );
      if (set.length > 0) {
        await appendEvents(tx, [
          { type: 'order.shipping_added', key: orderId, payload: { orderId, buyerId: buyer.id } },
        ]);
      }
      return set;
    });
    if (rows.length > 0) this.o.onCommit();
    const order = await this.o.orders.get(orderId);
    if (!order || order.buyerId !== buyer.id) throw new AppError('not_found', 'Order not found');
    if (rows.length === 0)
      throw new AppError('validation_failed', 'This order already has a shipping address');
    return order;
  }

  private originOf(clientIp: string | undefined, token: string, buyerId: string): Origin {
    return { clientIp: clientIp ?? null, fingerprint: this.o.provider.fingerprint(token, buyerId) };
  }

  private async resolvePayment(
    buyer: Principal,
    payment: CheckoutPayment,
  ): Promise<{ method: PaymentMethodKind; token: string; save: boolean; label?: string }> {
    if ('savedMethodId' in payment) {
      const [m] = await this.o.store.query<{
        method: PaymentMethodKind;
        provider_token: string;
        label: string;
      }>('select method, provider_token, label from payment_methods where id = $1 and user_id = $2', [
        payment.savedMethodId,
        buyer.id,
      ]);
      if (!m) throw new AppError('payment_method_missing', 'No saved payment method with this id');
      return { method: m.method, token: m.provider_token, save: false, label: m.label };
    }
    return { method: payment.method, token: payment.token, save: payment.save === true && !buyer.guest };
  }

  private async place(
    tx: Sql,
    buyer: Principal,
    input: CheckoutInput,
    pay: { method: PaymentMethodKind; save: boolean; origin: Origin },
  ): Promise<Placed> {
    const now = this.o.clock.now();
    const ids = [...new Set(input.reservationIds)];
    const rows = await tx.query<HeldRow>(
      `select r.id, r.state, r.expires_at, r.order_id, r.sku, i.title, r.quantity, r.price_cents, r.currency, r.sale_item_id, r.sale_id
       from reservations r join sale_items i on i.id = r.sale_item_id
       where r.id = any($1) and r.buyer_id = $2
       order by r.id for update of r`,
      [ids, buyer.id],
    );
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) {
      throw new AppError('reservation_unavailable', 'Some reservations do not exist or are not yours', {
        extra: { reservationIds: missing },
      });
    }
    const first = rows[0] as HeldRow;
    if (rows.every((r) => r.state === 'checked_out' && r.order_id === first.order_id) && first.order_id) {
      const [{ n } = { n: -1 }] = await tx.query<{ n: number }>(
        'select count(*)::int as n from reservations where order_id = $1',
        [first.order_id],
      );
      if (n === rows.length) return { kind: 'replay', orderId: first.order_id };
    }
    const unavailable = rows.filter((r) => r.state !== 'held' || r.expires_at.getTime() <= now);
    if (unavailable.length > 0) {
      throw new AppError('reservation_unavailable', 'Some holds have expired or were already used', {
        extra: {
          reservations: unavailable.map((r) => ({
            id: r.id,
            state: r.state === 'held' ? 'expired' : r.state,
          })),
        },
      });
    }
    const currencies = new Set(rows.map((r) => r.currency));
    if (currencies.size > 1) {
      throw new AppError('currency_mismatch', 'All items of one order must be in one currency', {
        extra: { currencies: [...currencies] },
      });
    }
    const orderId = newId('order');
    const totalCents = rows.reduce((n, r) => n + r.quantity * r.price_cents, 0);
    const currency = first.currency;
    const at = new Date(now);
    await tx.query(
      `insert into orders (id, buyer_id, state, source, total_cents, currency, shipping, payment, created_at, updated_at,
                           client_ip, payment_fingerprint)
       values ($1, $2, 'pending_payment', 'checkout', $3, $4, $5::jsonb, $6::jsonb, $7, $7, $8, $9)`,
      [
        orderId,
        buyer.id,
        totalCents,
        currency,
        JSON.stringify(input.shipping),
        JSON.stringify(this.processingPayment(pay)),
        at,
        pay.origin.clientIp,
        pay.origin.fingerprint,
      ],
    );
    await tx.query(
      `insert into order_lines (order_id, line_no, reservation_id, sale_item_id, sku, title, quantity, price_cents)
       select $1, n, r, i, s, t, q, p
       from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[]) as x(n, r, i, s, t, q, p)`,
      [
        orderId,
        rows.map((_, n) => n + 1),
        rows.map((r) => r.id),
        rows.map((r) => r.sale_item_id),
        rows.map((r) => r.sku),
        rows.map((r) => r.title),
        rows.map((r) => r.quantity),
        rows.map((r) => r.price_cents),
      ],
    );
    await checkOutHolds(tx, ids, orderId, at);
    await appendEvents(tx, [
      {
        type: 'order.placed',
        key: orderId,
        payload: {
          orderId,
          buyerId: buyer.id,
          totalCents,
          currency,
          method: pay.method,
          reservationIds: ids,
          lines: rows.map((r) => ({
            saleId: r.sale_id,
            saleItemId: r.sale_item_id,
            sku: r.sku,
            quantity: r.quantity,
            priceCents: r.price_cents,
          })),
        },
      },
    ]);
    return { kind: 'placed', orderId, totalCents, currency };
  }
}

function declineMessage(reason: string | undefined): string {
  switch (reason) {
    case 'insufficient_funds':
      return 'Payment declined: insufficient funds';
    case 'challenge_failed':
      return 'Payment declined: the card verification was not passed';
    case 'bnpl_declined':
      return 'Pay later was not approved';
    default:
      return 'Payment declined';
  }
}
