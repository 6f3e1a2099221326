import { type TSchema, Type } from '@sinclair/typebox';
import { ORDER_STATES } from '../../domain/order-state.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Id, IdParams, withProblems } from '../../platform/http/schemas.ts';
import { PAYMENT_METHODS } from '../payments/index.ts';
import { authorize, viewOrder } from '../policy/index.ts';
import type { CheckoutService } from './checkout.ts';
import type { OrdersService } from './service.ts';
import type { Order } from './types.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const ShippingSchema = Body({
  name: Text(120),
  line1: Text(200),
  line2: Type.Optional(Type.String({ maxLength: 200 })),
  city: Text(100),
  region: Type.Optional(Type.String({ maxLength: 100 })),
  postalCode: Text(20),
  country: Type.String({ pattern: '^[A-Z]{2}$', maxLength: 2, description: 'ISO 3166-1 alpha-2' }),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{5,20}$', maxLength: 21 })),
});

/** A new method ({method, token, save?}) or a saved one ({savedMethodId}: express checkout). */
const PaymentSchema = Type.Union([
  Body({
    method: Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m))),
    token: Type.String({ minLength: 1, maxLength: 200 }),
    save: Type.Optional(Type.Boolean()),
  }),
  Body({ savedMethodId: Id('paymentMethod') }),
]);

/** Stored as JSON: the fields named here, and any older or newer key kept as it is. */
const Open = <P extends Record<string, TSchema>>(props: P) =>
  Type.Object(props, { additionalProperties: true });
const opt = Type.Optional;

const ShippingView = Open({
  name: Type.String(),
  line1: Type.String(),
  line2: opt(Type.String()),
  city: Type.String(),
  region: opt(Type.String()),
  postalCode: Type.String(),
  country: Type.String(),
  email: opt(Type.String()),
  phone: opt(Type.String()),
});

const PAYMENT_STATUSES = [
  'processing',
  'requires_action',
  'authorized',
  'declined',
  'captured',
  'voided',
  'refunded',
  'failed',
] as const;

/** The order's payment as the buyer may see it (never the raw token). */
const PaymentView = Open({
  provider: Type.String(),
  method: Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m))),
  status: Type.Union(PAYMENT_STATUSES.map((s) => Type.Literal(s))),
  ref: opt(Type.String()),
  label: opt(Type.String()),
  reason: opt(Type.String()),
  installments: opt(Type.Array(Type.Object({ dueDate: Type.String(), amountCents: Type.Integer() }))),
  nextAction: opt(Type.Object({ type: Type.Literal('challenge'), url: Type.String() })),
  saveMethod: opt(Type.Boolean()),
  capturedAt: opt(Type.String()),
  settledAt: opt(Type.String()),
});

/** What the warehouse and the carrier recorded. */
const FulfilmentView = Open({
  warehouse: opt(Type.String()),
  packedAt: opt(Type.String()),
  carrier: opt(Type.String()),
  trackingNumber: opt(Type.String()),
  shippedAt: opt(Type.String()),
  deliveredAt: opt(Type.String()),
});

const OrderSchema = Type.Object(
  {
    id: Type.String(),
    buyerId: Type.String(),
    state: Type.Union(ORDER_STATES.map((s) => Type.Literal(s))),
    source: Type.String(),
    totalCents: Type.Integer(),
    currency: Type.String(),
    lines: Type.Array(
      Type.Object({
        sku: Type.String(),
        title: Type.String(),
        quantity: Type.Integer(),
        priceCents: Type.Integer(),
        reservationId: Type.Union([Type.String(), Type.Null()]),
        cancelledAt: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    shipping: Type.Union([ShippingView, Type.Null()]),
    payment: Type.Union([PaymentView, Type.Null()]),
    fulfilment: Type.Union([FulfilmentView, Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Order' },
);

export { OrderSchema };

export function orderRoutes(app: App, d: { checkout: CheckoutService; orders: OrdersService }): void {
  app.post(
    '/api/checkout',
    {
      config: {
        access: 'user',
        stepUp: 'checkout',
        rateLimit: { points: 10, windowSeconds: 10, by: 'user' },
      },
      schema: {
        tags: ['orders'],
        summary: "Turn the buyer's live holds into one order and pay for it",
        description:
          'payment is {method, token, save?} (see docs/payments.md for sandbox tokens) or {savedMethodId} for express checkout. ' +
          '201 with the order: `paid`, or `pending_payment` with payment.nextAction when a challenge is needed. ' +
          '402 payment_declined (stock returned); 409 reservation_unavailable. ' +
          '403 step_up_required when the total reaches STEP_UP_ORDER_CENTS without a Flashmob-Step-Up proof. Checking out the same holds again returns the same order (200).',
        body: Body({
          reservationIds: Type.Array(Id('reservation'), { minItems: 1, maxItems: 50, uniqueItems: true }),
          payment: PaymentSchema,
          shipping: ShippingSchema,
        }),
        response: withProblems({ 200: Type.Ref('Order'), 201: Type.Ref('Order') }),
      },
    },
    async (req, reply) => {
      const { order, replayed } = await d.checkout.checkout(principalOf(req), {
        ...req.body,
        clientIp: req.ip,
      });
      return reply.code(replayed ? 200 : 201).send(order);
    },
  );

  app.post(
    '/api/orders/:id/pay',
    {
      config: { access: 'user', rateLimit: { points: 10, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['orders'],
        summary: 'Pay an order that waits for its payment (an auction you won, an item offered to you)',
        params: IdParams('order'),
        body: Body({ payment: PaymentSchema, shipping: ShippingSchema }),
        response: withProblems({ 200: Type.Ref('Order') }),
      },
    },
    async (req) => d.checkout.payOrder(principalOf(req), req.params.id, { ...req.body, clientIp: req.ip }),
  );

  app.put(
    '/api/orders/:id/shipping',
    {
      config: { access: 'user' },
      schema: {
        tags: ['orders'],
        summary: 'Where to send a prize (orders that have no shipping address yet)',
        params: IdParams('order'),
        body: ShippingSchema,
        response: withProblems({ 200: Type.Ref('Order') }),
      },
    },
    async (req) => d.checkout.setShipping(principalOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/orders',
    {
      config: { access: 'user' },
      schema: {
        tags: ['orders'],
        summary: "The buyer's orders, newest first",
        response: withProblems({ 200: Type.Array(Type.Ref('Order')) }),
      },
    },
    async (req) => d.orders.listForBuyer(principalOf(req).id),
  );

  app.get(
    '/api/orders/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['orders'],
        summary: 'One order (its buyer, a host who sold one of its lines, or an admin)',
        params: IdParams('order'),
        response: withProblems({ 200: Type.Ref('Order') }),
      },
    },
    async (req) => {
      const me = principalOf(req);
      const facts = await d.orders.facts(req.params.id);
      if (!facts) throw new AppError('not_found', 'Order not found');
      authorize(viewOrder(me, facts));
      return (await d.orders.get(req.params.id)) as Order;
    },
  );
}
