import { type TSchema, Type } from '@sinclair/typebox';
import { FRAUD_OUTCOMES, FRAUD_REASONS } from '../../domain/fraud.ts';
import { actorOf, principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, IdParams, withProblems } from '../../platform/http/schemas.ts';
import type { PipelineDeps } from './deps.ts';
import { CANCEL_REASONS, OrderActions, REFUND_REASONS } from './order-actions.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const FraudCheckSchema = Type.Object({
  orderId: Type.String(),
  outcome: literals(FRAUD_OUTCOMES),
  reasons: Type.Array(literals(FRAUD_REASONS)),
  signals: Type.Object({}, { additionalProperties: true }),
  checkedAt: Type.String(),
  decision: Nullable(literals(['accept', 'reject'] as const)),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()),
});

const OrderResponse = withProblems({ 200: Type.Ref('Order') });

/** Cancel, refund, fraud review and delivery of orders (the order pipeline's human steps). */
export function pipelineRoutes(app: App, deps: PipelineDeps): void {
  const actions = new OrderActions(deps);

  app.post(
    '/api/orders/:id/cancel',
    {
      config: { access: 'user', rateLimit: { points: 10, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order before it ships (its buyer, the host who sold it, or an admin)',
        description:
          'pending_payment, paid or packed → cancelled; the stock goes back on sale and the payment is voided ' +
          '(or refunded if captured) by the payments worker. 409 order_not_cancellable once shipped.',
        params: IdParams('order'),
        body: Type.Optional(Body({ reason: Type.Optional(literals(CANCEL_REASONS)) })),
        response: OrderResponse,
      },
    },
    async (req) => actions.cancel(actorOf(req), req.params.id, req.body?.reason),
  );

  app.post(
    '/api/orders/:id/refund',
    {
      config: { access: 'admin', stepUp: 'refund' },
      schema: {
        tags: ['orders'],
        summary: 'Refund a captured order (admin; needs a Flashmob-Step-Up proof)',
        description:
          '→ refunded; the payments worker refunds the amount. Stock returns only if the goods have not shipped. ' +
          '409 order_not_refundable when the payment is not captured (cancel instead).',
        params: IdParams('order'),
        body: Type.Optional(Body({ reason: Type.Optional(literals(REFUND_REASONS)) })),
        response: OrderResponse,
      },
    },
    async (req) => actions.refund(actorOf(req), req.params.id, req.body?.reason),
  );

  app.post(
    '/api/orders/:id/review',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['orders'],
        summary: 'Decide an order the fraud rules sent to review (admin)',
        description:
          'accept → captured and shipped as usual; reject → cancelled, stock returned, authorisation voided.',
        params: IdParams('order'),
        body: Body({ decision: literals(['accept', 'reject'] as const) }),
        response: OrderResponse,
      },
    },
    async (req) => actions.decideReview(principalOf(req), req.params.id, req.body.decision),
  );

  app.post(
    '/api/orders/:id/fulfilment',
    {
      config: { access: 'host' },
      schema: {
        tags: ['orders'],
        summary: 'Confirm that a shipped order was delivered (the host who sold it, or an admin)',
        params: IdParams('order'),
        body: Body({ action: literals(['deliver'] as const) }),
        response: OrderResponse,
      },
    },
    async (req) => actions.deliver(principalOf(req), req.params.id),
  );

  app.get(
    '/api/orders/:id/fraud',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['orders'],
        summary: "An order's fraud screening: outcome, reasons, the facts the rules saw, the review decision",
        params: IdParams('order'),
        response: withProblems({ 200: FraudCheckSchema }),
      },
    },
    async (req) => actions.fraudCheck(req.params.id),
  );
}
