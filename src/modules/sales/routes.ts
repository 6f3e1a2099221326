import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Cents, Id, IdParams, IsoDate, Sku, withProblems } from '../../platform/http/schemas.ts';
import type { SalesService } from './service.ts';

export const Tag = Type.String({ pattern: '^#?[A-Za-z0-9_]{1,40}$', maxLength: 41 });

export const WaitingRoomSchema = Body({
  admitPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  maxActive: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  opensBeforeSeconds: Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600, default: 600 }),
  admissionTtlSeconds: Type.Integer({ minimum: 30, maximum: 24 * 3600, default: 600 }),
  abandonAfterSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 3600 })),
  proofOfWork: Type.Optional(Body({ difficulty: Type.Integer({ minimum: 1, maximum: 28 }) })),
});

/** The items of a new sale (or of each occurrence of a party). */
export const NewSaleItems = Type.Array(
  Body({
    sku: Sku,
    stock: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    priceCents: Type.Optional(Cents),
    perBuyerLimit: Type.Integer({ minimum: 1, maximum: 10_000 }),
  }),
  { minItems: 1, maxItems: 200 },
);

/** A sale's waiting room as stored (extra keys kept: old rows may carry settings since retired). */
const WaitingRoomView = Type.Object(
  {
    admitPerMinute: Type.Number(),
    maxActive: Type.Integer(),
    opensBeforeSeconds: Type.Integer(),
    admissionTtlSeconds: Type.Integer(),
    abandonAfterSeconds: Type.Optional(Type.Integer()),
    proofOfWork: Type.Optional(Type.Object({ difficulty: Type.Integer() })),
  },
  { additionalProperties: true },
);

export const SaleItemSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  priceCents: Type.Integer(),
  currency: Type.String(),
  stock: Type.Integer(),
  remaining: Type.Integer(),
  perBuyerLimit: Type.Integer(),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  version: Type.Integer(),
});

export const SaleSchema = Type.Object(
  {
    id: Type.String(),
    hostId: Type.String(),
    title: Type.String(),
    kind: Type.String(),
    startsAt: Type.String(),
    endsAt: Type.String(),
    hashtags: Type.Array(Type.String()),
    holdSeconds: Type.Integer(),
    waitingRoom: Type.Union([WaitingRoomView, Type.Null()]),
    partyId: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union(['scheduled', 'live', 'sold_out', 'ended'].map((s) => Type.Literal(s))),
    items: Type.Array(SaleItemSchema),
    serverTime: Type.String(),
  },
  { $id: 'Sale' },
);

export function salesRoutes(app: App, sales: SalesService): void {
  app.post(
    '/api/sales',
    {
      config: { access: 'host' },
      schema: {
        tags: ['sales'],
        summary: 'Schedule a flash sale or drop (host)',
        body: Body({
          title: Type.String({ minLength: 1, maxLength: 200 }),
          startsAt: IsoDate,
          endsAt: IsoDate,
          hashtags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
          holdSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
          waitingRoom: Type.Optional(WaitingRoomSchema),
          items: NewSaleItems,
        }),
        response: withProblems({ 201: Type.Ref('Sale') }),
      },
    },
    async (req, reply) => reply.code(201).send(await sales.create(principalOf(req), req.body)),
  );

  app.get(
    '/api/sales',
    {
      config: { access: 'public' },
      schema: {
        tags: ['sales'],
        summary: 'List sales: live first, then upcoming by start time, then ended',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union(['upcoming', 'scheduled', 'live', 'sold_out', 'ended'].map((s) => Type.Literal(s))),
            ),
            tag: Type.Optional(Tag),
            host: Type.Optional(Id('user')),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(Type.Ref('Sale')) }),
      },
    },
    async (req) =>
      sales.list({
        limit: req.query.limit,
        offset: req.query.offset,
        ...(req.query.status ? { status: req.query.status as 'live' } : {}),
        ...(req.query.tag ? { tag: req.query.tag } : {}),
        ...(req.query.host ? { hostId: req.query.host } : {}),
      }),
  );

  app.get(
    '/api/sales/:id',
    {
      config: { access: 'public', rateLimit: { points: 600, windowSeconds: 10, by: 'ip' } },
      schema: {
        tags: ['sales'],
        summary: 'A sale with its items, live remaining stock and the server time',
        params: IdParams('sale'),
        response: withProblems({ 200: Type.Ref('Sale') }),
      },
    },
    async (req) => {
      const sale = await sales.get(req.params.id);
      if (!sale) throw new AppError('not_found', 'Sale not found');
      return sale;
    },
  );
}
