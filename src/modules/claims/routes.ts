import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Id, IdParams, Sku, withProblems } from '../../platform/http/schemas.ts';
import type { SaleInfo, SalesService } from '../sales/index.ts';
import type { ClaimEngine } from './engine.ts';
import type { ReservationsService } from './reservations.ts';
import { RESERVATION_STATES } from './types.ts';
import type { WaitlistService } from './waitlist.ts';

/** Checks that the buyer was let through the sale's waiting room (see modules/waiting-room). */
export interface AdmissionGate {
  check(request: FastifyRequest, sale: SaleInfo, buyerId: string): Promise<void>;
}

const ReservationStateSchema = Type.Union(RESERVATION_STATES.map((s) => Type.Literal(s)));

export const ReservationSchema = Type.Object(
  {
    id: Type.String(),
    saleId: Type.String(),
    saleItemId: Type.String(),
    sku: Type.String(),
    quantity: Type.Integer(),
    priceCents: Type.Integer(),
    currency: Type.String(),
    state: ReservationStateSchema,
    source: Type.String(),
    expiresAt: Type.String(),
    createdAt: Type.String(),
    orderId: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Reservation' },
);

const WaitlistEntrySchema = Type.Object({
  id: Type.String(),
  saleId: Type.String(),
  sku: Type.String(),
  quantity: Type.Integer(),
  state: Type.String(),
  position: Type.Union([Type.Integer(), Type.Null()]),
  reservationId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

const Quantity = Type.Integer({ minimum: 1, maximum: 1_000 });
const CLAIM_LIMIT = { points: 40, windowSeconds: 10, by: 'user' } as const;

export interface ClaimRoutesDeps {
  readonly engine: ClaimEngine;
  readonly sales: SalesService;
  readonly reservations: ReservationsService;
  readonly waitlist: WaitlistService;
  readonly admission?: AdmissionGate;
  /** The policy on taking part: a buyer banned from a show claims none of its items (403 banned). */
  readonly participation?: (saleId: string, buyerId: string) => Promise<void>;
}

export function claimRoutes(app: App, d: ClaimRoutesDeps): void {
  app.post(
    '/api/sales/:id/claims',
    {
      config: { access: 'user', rateLimit: CLAIM_LIMIT },
      schema: {
        tags: ['claims'],
        summary: 'Claim units of an item: a hold for holdSeconds, answered only after it is committed',
        description:
          'Refusals: 409 sold_out (with `remaining`), 409 limit_exceeded, 409 not_started, 410 ended, ' +
          '403 not_admitted (waiting room), 422 unknown_sku, 422 idempotency_conflict (key reused with another body). ' +
          'A retry with the same idempotencyKey and body returns the original reservation (header Idempotent-Replayed: true).',
        params: IdParams('sale'),
        body: Body({
          sku: Sku,
          quantity: Quantity,
          idempotencyKey: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }),
        }),
        response: withProblems({ 201: Type.Object({ reservation: Type.Ref('Reservation') }) }),
      },
    },
    async (req, reply) => {
      const buyer = principalOf(req);
      const saleId = req.params.id;
      if (d.admission) {
        const info = await d.sales.info(saleId);
        if (!info) throw new AppError('not_found', 'Sale not found');
        if (info.waitingRoom) await d.admission.check(req, info, buyer.id);
      }
      await d.participation?.(saleId, buyer.id);
      const result = await d.engine.claim({ saleId, buyerId: buyer.id, ...req.body });
      if (!result.ok) {
        throw new AppError(result.code, result.message, result.extra ? { extra: result.extra } : {});
      }
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ reservation: result.reservation });
    },
  );

  app.get(
    '/api/reservations',
    {
      config: { access: 'user' },
      schema: {
        tags: ['claims'],
        summary: "The buyer's holds, newest first, with their state",
        querystring: Type.Object(
          { state: Type.Optional(ReservationStateSchema) },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(Type.Ref('Reservation')) }),
      },
    },
    async (req) => d.reservations.listForBuyer(principalOf(req).id, req.query.state),
  );

  app.delete(
    '/api/reservations/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['claims'],
        summary: 'Release a hold (owner): its units go back on sale, waitlist first',
        params: IdParams('reservation'),
        response: withProblems({ 200: Type.Object({ reservation: Type.Ref('Reservation') }) }),
      },
    },
    async (req) => ({ reservation: await d.reservations.release(principalOf(req).id, req.params.id) }),
  );

  app.post(
    '/api/sales/:id/waitlist',
    {
      config: { access: 'user', rateLimit: { points: 10, windowSeconds: 60, by: 'user' } },
      schema: {
        tags: ['claims'],
        summary:
          'Join the waitlist of a sold-out item; returned units are offered in line order as fresh holds',
        params: IdParams('sale'),
        body: Body({ sku: Sku, quantity: Quantity }),
        response: withProblems({ 201: WaitlistEntrySchema }),
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await d.waitlist.join(principalOf(req).id, req.params.id, req.body.sku, req.body.quantity)),
  );

  app.get(
    '/api/waitlist',
    {
      config: { access: 'user' },
      schema: {
        tags: ['claims'],
        summary: "The buyer's waitlist entries with their place in line",
        response: withProblems({ 200: Type.Array(WaitlistEntrySchema) }),
      },
    },
    async (req) => d.waitlist.listForBuyer(principalOf(req).id),
  );

  app.delete(
    '/api/waitlist/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['claims'],
        summary: 'Leave a waitlist',
        params: Type.Object({ id: Id('waitlist') }, { additionalProperties: false }),
        response: withProblems({ 200: WaitlistEntrySchema }),
      },
    },
    async (req) => d.waitlist.leave(principalOf(req).id, req.params.id),
  );
}
