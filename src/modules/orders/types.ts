import type { OrderState } from '../../domain/order-state.ts';
import type { Installment, PaymentMethodKind } from '../payments/index.ts';

export interface OrderLine {
  readonly sku: string;
  readonly title: string;
  readonly quantity: number;
  readonly priceCents: number;
  readonly reservationId: string | null;
  /** Set when its seller cancelled this line of a multi-seller order. */
  readonly cancelledAt: string | null;
}

export interface Shipping {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode: string;
  readonly country: string;
  readonly email?: string;
  readonly phone?: string;
}

/** The order's payment as the buyer may see it (never the raw token). */
export interface OrderPayment {
  readonly provider: string;
  readonly method: PaymentMethodKind;
  readonly status:
    | 'processing'
    | 'requires_action'
    | 'authorized'
    | 'declined'
    | 'captured'
    | 'voided'
    | 'refunded'
    | 'failed';
  readonly ref?: string;
  readonly label?: string;
  readonly reason?: string;
  readonly installments?: Installment[];
  readonly nextAction?: { readonly type: 'challenge'; readonly url: string };
  readonly saveMethod?: boolean;
  /** When the order pipeline recorded the capture (set once: it guards against a second `order.captured`). */
  readonly capturedAt?: string;
  /** When the pipeline voided or refunded the payment. */
  readonly settledAt?: string;
}

export interface Order {
  readonly id: string;
  readonly buyerId: string;
  readonly state: OrderState;
  readonly source: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly lines: OrderLine[];
  readonly shipping: Shipping | null;
  readonly payment: OrderPayment | null;
  readonly fulfilment: Record<string, unknown> | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface OrderRow {
  id: string;
  buyer_id: string;
  state: OrderState;
  source: string;
  total_cents: number;
  currency: string;
  shipping: Shipping | null;
  payment: OrderPayment | null;
  fulfilment: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  lines: Array<{
    sku: string;
    title: string;
    quantity: number;
    price_cents: number;
    reservation_id: string | null;
    cancelled_at: string | null;
  }> | null;
}

export const SELECT_ORDERS = `
  select o.*, (select json_agg(json_build_object('sku', l.sku, 'title', l.title, 'quantity', l.quantity,
                 'price_cents', l.price_cents, 'reservation_id', l.reservation_id,
                 'cancelled_at', l.cancelled_at) order by l.line_no)
               from order_lines l where l.order_id = o.id) as lines
  from orders o`;

export const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  buyerId: r.buyer_id,
  state: r.state,
  source: r.source,
  totalCents: r.total_cents,
  currency: r.currency,
  lines: (r.lines ?? []).map((l) => ({
    sku: l.sku,
    title: l.title,
    quantity: l.quantity,
    priceCents: l.price_cents,
    reservationId: l.reservation_id,
    cancelledAt: l.cancelled_at ? new Date(l.cancelled_at).toISOString() : null,
  })),
  shipping: r.shipping,
  payment: r.payment,
  fulfilment: r.fulfilment,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
