import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Id, IdParams, withProblems } from '../../platform/http/schemas.ts';
import type { AdmissionGate } from '../claims/index.ts';
import { authorize, manage } from '../policy/index.ts';
import type { SaleInfo, SalesService } from '../sales/index.ts';
import type { AdmissionTokens } from './admission-tokens.ts';
import { publishedLineDraw } from './line-draw.ts';
import type { WaitingRoomService } from './service.ts';

export const ADMISSION_HEADER = 'flashmob-admission';

const Status = Type.Object({
  ticket: Type.String(),
  saleId: Type.String(),
  state: Type.String(),
  position: Type.Union([Type.Integer(), Type.Null()]),
  etaSeconds: Type.Union([Type.Number(), Type.Null()]),
  preOpen: Type.Boolean(),
  saleStartsAt: Type.String(),
  paused: Type.Boolean(),
  admissionToken: Type.Optional(Type.String()),
  admissionExpiresAt: Type.Optional(Type.String()),
});
const TicketParams = Type.Object({ id: Id('sale'), ticket: Id('ticket') }, { additionalProperties: false });

/**
 * The claim endpoint's check: a sale with a waiting room needs this buyer's admission for it, and
 * an admission its buyer gave back (left the queue) no longer counts.
 */
export function admissionGate(
  tokens: AdmissionTokens,
  now: () => number,
  revoked: (saleId: string, ticketId: string) => Promise<boolean>,
): AdmissionGate {
  return {
    async check(request: FastifyRequest, sale: SaleInfo, buyerId: string) {
      const header = request.headers[ADMISSION_HEADER];
      const token = Array.isArray(header) ? header[0] : header;
      const admission = token ? await tokens.verify(token, buyerId, sale.id, now()) : undefined;
      if (!admission || (await revoked(sale.id, admission.ticketId))) {
        throw new AppError(
          'not_admitted',
          'This sale has a waiting room: join the queue and claim once admitted',
          {
            extra: { queue: `/api/sales/${sale.id}/queue` },
          },
        );
      }
    },
  };
}

export function waitingRoomRoutes(app: App, d: { service: WaitingRoomService; sales: SalesService }): void {
  app.get(
    '/api/sales/:id/queue/challenge',
    {
      config: { access: 'user', rateLimit: { points: 30, windowSeconds: 60, by: 'user' } },
      schema: {
        tags: ['waiting room'],
        summary: 'A proof-of-work challenge to solve before joining (when the waiting room asks for one)',
        params: IdParams('sale'),
        response: withProblems({
          200: Type.Object({
            challenge: Type.String(),
            difficulty: Type.Integer(),
            expiresAt: Type.String(),
          }),
        }),
      },
    },
    async (req) => d.service.challenge(req.params.id),
  );

  app.get(
    '/api/sales/:id/queue/draw',
    {
      config: { access: 'public' },
      schema: {
        tags: ['waiting room'],
        summary: 'The pre-open draw: its commitment before the line opens; the seed and the order after',
        description:
          'Tickets appear as sha256 of their ids (a buyer finds their own). Check with the algorithm in src/domain/fair-draw.ts. 404 no_waiting_room.',
        params: IdParams('sale'),
        response: withProblems({
          200: Type.Object({
            algorithm: Type.String(),
            seedHash: Type.Union([Type.String(), Type.Null()]),
            seed: Type.Union([Type.String(), Type.Null()]),
            opened: Type.Boolean(),
            tickets: Type.Union([Type.Array(Type.String()), Type.Null()]),
            line: Type.Union([Type.Array(Type.String()), Type.Null()]),
          }),
        }),
      },
    },
    async (req) => publishedLineDraw(d.service.queueStore, d.sales, req.params.id),
  );

  app.post(
    '/api/sales/:id/queue',
    {
      config: {
        access: 'user',
        // Per address as well as per account: one bot farm, many accounts.
        rateLimit: [
          { points: 10, windowSeconds: 60, by: 'user' },
          { points: 60, windowSeconds: 60, by: 'ip' },
        ],
      },
      schema: {
        tags: ['waiting room'],
        summary: 'Join the waiting room: one ticket per account (joining again returns it)',
        description:
          'Before the sale starts, joiners are drawn into a random order at the start; later joiners queue first come, first served. ' +
          'With proofOfWork, send {pow: {challenge, solution}} (see the client library). 409 queue_not_open (opensAt); 410 ended; 428 pow_required; 403 pow_invalid / pow_insufficient; 410 pow_expired.',
        params: IdParams('sale'),
        body: Type.Optional(
          Body({
            pow: Type.Optional(
              Body({ challenge: Type.String({ maxLength: 300 }), solution: Type.String({ maxLength: 40 }) }),
            ),
          }),
        ),
        response: withProblems({ 200: Status, 201: Status }),
      },
    },
    async (req, reply) => {
      const { created, ...status } = await d.service.join(req.params.id, principalOf(req), req.body?.pow);
      return reply.code(created ? 201 : 200).send(status);
    },
  );

  app.get(
    '/api/sales/:id/queue/:ticket',
    {
      config: { access: 'user', rateLimit: { points: 240, windowSeconds: 60, by: 'user' } },
      schema: {
        tags: ['waiting room'],
        summary:
          'Your place: position, ETA, and the admission token once admitted (send it as Flashmob-Admission when claiming)',
        params: TicketParams,
        response: withProblems({ 200: Status }),
      },
    },
    async (req) => d.service.status(req.params.id, req.params.ticket, principalOf(req).id),
  );

  app.delete(
    '/api/sales/:id/queue/:ticket',
    {
      config: { access: 'user' },
      schema: {
        tags: ['waiting room'],
        summary: 'Leave the line (or give back an admission)',
        params: TicketParams,
        response: withProblems({ 200: Status }),
      },
    },
    async (req) => d.service.leave(req.params.id, req.params.ticket, principalOf(req).id),
  );

  const HostView = Type.Object({
    saleId: Type.String(),
    length: Type.Integer(),
    waiting: Type.Integer(),
    preOpen: Type.Integer(),
    admitted: Type.Integer(),
    active: Type.Integer(),
    maxActive: Type.Integer(),
    configuredPerMinute: Type.Number(),
    admitPerMinute: Type.Number(),
    observedPerMinute: Type.Union([Type.Number(), Type.Null()]),
    paused: Type.Boolean(),
    opensAt: Type.String(),
    startsAt: Type.String(),
  });
  const ownSale = async (req: FastifyRequest, saleId: string) => {
    const me = principalOf(req);
    const sale = await d.sales.get(saleId);
    if (!sale) throw new AppError('not_found', 'Sale not found');
    authorize(manage(me, sale.hostId, 'this sale'));
  };

  app.get(
    '/api/sales/:id/queue',
    {
      config: { access: 'host' },
      schema: {
        tags: ['waiting room'],
        summary: 'The queue for its host: length, admitted, active, observed rate',
        params: IdParams('sale'),
        response: withProblems({ 200: HostView }),
      },
    },
    async (req) => {
      await ownSale(req, req.params.id);
      return d.service.hostView(req.params.id);
    },
  );

  app.patch(
    '/api/sales/:id/queue',
    {
      config: { access: 'host' },
      schema: {
        tags: ['waiting room'],
        summary: 'Change the admission rate or pause admission, live',
        params: IdParams('sale'),
        body: Body({
          admitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          paused: Type.Optional(Type.Boolean()),
        }),
        response: withProblems({ 200: HostView }),
      },
    },
    async (req) => {
      await ownSale(req, req.params.id);
      return d.service.updateSettings(req.params.id, req.body);
    },
  );
}
