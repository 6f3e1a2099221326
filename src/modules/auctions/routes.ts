import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Cents, Id, IdParams, Sku, withProblems } from '../../platform/http/schemas.ts';
import type { BidEngine } from './bid-engine.ts';
import { AuctionBidSchema, AuctionSchema, BidAcceptedSchema } from './schemas.ts';
import type { AuctionsService } from './service.ts';

const AuctionParams = Type.Object({ id: Id('auction') }, { additionalProperties: false });

export function auctionRoutes(app: App, d: { auctions: AuctionsService; bids: BidEngine }): void {
  app.post(
    '/api/shows/:id/auctions',
    {
      config: { access: 'host' },
      schema: {
        tags: ['auctions'],
        summary: 'Start a live auction in a live show (one at a time)',
        description:
          'Bids must beat the current price by incrementCents. The server’s clock ends it; without suddenDeath a bid in the last ' +
          'extendWindowSeconds (10) pushes the end out (anti-sniping). Below reserveCents the item is not sold. ' +
          '422 invalid_auction (field) for settings the auction rules refuse (a reserve of 0).',
        params: IdParams('show'),
        body: Body({
          sku: Sku,
          startCents: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
          incrementCents: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
          durationSeconds: Type.Integer({ minimum: 5, maximum: 3_600 }),
          suddenDeath: Type.Boolean(),
          reserveCents: Type.Optional(Cents),
          extendWindowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
        }),
        response: withProblems({ 201: Type.Ref(AuctionSchema) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await d.auctions.start(principalOf(req), req.params.id, req.body)),
  );

  app.get(
    '/api/auctions/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auctions'],
        summary: 'An auction: current price, next minimum, end (server time)',
        params: AuctionParams,
        response: withProblems({ 200: Type.Ref(AuctionSchema) }),
      },
    },
    async (req) => {
      const a = await d.auctions.get(req.params.id);
      if (!a) throw new AppError('not_found', 'No such auction');
      return a;
    },
  );

  app.get(
    '/api/auctions/:id/bids',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auctions'],
        summary: 'The highest bids',
        params: AuctionParams,
        response: withProblems({ 200: Type.Array(Type.Ref(AuctionBidSchema)) }),
      },
    },
    async (req) => d.auctions.bids(req.params.id),
  );

  app.post(
    '/api/auctions/:id/bids',
    {
      config: { access: 'user', rateLimit: { points: 30, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['auctions'],
        summary: 'Bid',
        description:
          '409 bid_too_low (minimumCents), 409 already_highest, 410 auction_ended, 409 auction_not_started, 422 invalid_amount. ' +
          'With an idempotencyKey, a retried bid gets its first answer.',
        params: AuctionParams,
        body: Body({
          amountCents: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
          idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        }),
        response: withProblems({ 201: Type.Ref(BidAcceptedSchema) }),
      },
    },
    async (req, reply) => {
      const b = req.body as { amountCents: number; idempotencyKey?: string };
      await d.auctions.authorizeBid(principalOf(req), req.params.id);
      const accepted = await d.bids.bid({
        auctionId: req.params.id,
        bidderId: principalOf(req).id,
        amountCents: b.amountCents,
        ...(b.idempotencyKey ? { idempotencyKey: b.idempotencyKey } : {}),
      });
      return reply.code(201).send(accepted);
    },
  );
}
