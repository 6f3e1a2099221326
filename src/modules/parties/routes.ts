import { Type } from '@sinclair/typebox';
import { FREQUENCIES } from '../../domain/recurrence.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import {
  Body,
  Cents,
  Id,
  IdParams,
  IsoDate,
  MultilineText,
  Sku,
  withProblems,
} from '../../platform/http/schemas.ts';
import { NewSaleItems, Tag, WaitingRoomSchema } from '../sales/index.ts';
import type { PartiesService } from './service.ts';

const RecurrenceSchema = Body({
  frequency: Type.Union(FREQUENCIES.map((f) => Type.Literal(f))),
  weekdays: Type.Optional(
    Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), {
      minItems: 1,
      maxItems: 7,
      description: 'weekly: 0 = Sunday … 6 = Saturday, in timeZone',
    }),
  ),
  time: Type.String({
    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
    maxLength: 5,
    description: 'local start time, HH:MM',
  }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris' }),
});

const PartyState = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('ended')]);

const PartySchema = Type.Object({
  id: Type.String(),
  hostId: Type.String(),
  title: Type.String(),
  description: Type.String(),
  hashtags: Type.Array(Type.String()),
  recurrence: Type.Object({
    frequency: Type.Union([Type.Literal(FREQUENCIES[0]), Type.Literal(FREQUENCIES[1])]),
    weekdays: Type.Optional(Type.Array(Type.Integer())),
    time: Type.String(),
    timeZone: Type.String(),
  }),
  durationMinutes: Type.Integer(),
  holdSeconds: Type.Integer(),
  waitingRoom: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  items: Type.Array(
    Type.Object({
      sku: Sku,
      stock: Type.Integer(),
      priceCents: Type.Optional(Cents),
      perBuyerLimit: Type.Integer(),
    }),
  ),
  state: PartyState,
  startsOn: Type.String(),
  endsOn: Type.Union([Type.String(), Type.Null()]),
  nextOccurrences: Type.Array(Type.String()),
  sales: Type.Array(
    Type.Object({
      id: Type.String(),
      startsAt: Type.String(),
      endsAt: Type.String(),
      status: Type.Union([
        Type.Literal('scheduled'),
        Type.Literal('live'),
        Type.Literal('sold_out'),
        Type.Literal('ended'),
      ]),
    }),
  ),
  createdAt: Type.String(),
});

export function partyRoutes(app: App, parties: PartiesService): void {
  app.post(
    '/api/parties',
    {
      config: { access: 'host', rateLimit: { points: 30, windowSeconds: 60, by: 'user' } },
      schema: {
        tags: ['parties'],
        summary: 'Start a party: a sale at a fixed local time, every day or on chosen weekdays (host)',
        description:
          'Each occurrence is an ordinary sale (with partyId) created a day before it starts, with the items and stock given here. ' +
          '422 invalid_party (bad time zone, weekly without weekdays, endsOn before startsOn, no occurrence in range, a SKU twice); 422 unknown_sku; 403 forbidden (another host’s SKU).',
        body: Body({
          title: Type.String({ minLength: 1, maxLength: 200 }),
          description: Type.Optional(MultilineText({ maxLength: 2_000 })),
          hashtags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
          recurrence: RecurrenceSchema,
          durationMinutes: Type.Integer({ minimum: 1, maximum: 1_440 }),
          holdSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
          waitingRoom: Type.Optional(WaitingRoomSchema),
          items: NewSaleItems,
          startsOn: Type.Optional(IsoDate),
          endsOn: Type.Optional(IsoDate),
        }),
        response: withProblems({ 201: PartySchema }),
      },
    },
    async (req, reply) => reply.code(201).send(await parties.create(principalOf(req), req.body)),
  );

  app.get(
    '/api/parties',
    {
      config: { access: 'public' },
      schema: {
        tags: ['parties'],
        summary: 'List parties (active ones unless asked), newest first, with their next start times',
        querystring: Type.Object(
          {
            state: Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('ended')], {
              default: 'active',
            }),
            host: Type.Optional(Id('user')),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(PartySchema) }),
      },
    },
    async (req) =>
      parties.list({
        state: req.query.state,
        limit: req.query.limit,
        offset: req.query.offset,
        ...(req.query.host ? { hostId: req.query.host } : {}),
      }),
  );

  app.get(
    '/api/parties/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['parties'],
        summary: 'A party with its next start times and its sales not yet ended',
        params: IdParams('party'),
        response: withProblems({ 200: PartySchema }),
      },
    },
    async (req) => {
      const party = await parties.get(req.params.id);
      if (!party) throw new AppError('not_found', 'Party not found');
      return party;
    },
  );

  app.patch(
    '/api/parties/:id',
    {
      config: { access: 'host' },
      schema: {
        tags: ['parties'],
        summary: 'Pause or resume a party (its host): a paused party creates no more sales',
        description: '409 party_ended once it has ended.',
        params: IdParams('party'),
        body: Body({ state: Type.Union([Type.Literal('active'), Type.Literal('paused')]) }),
        response: withProblems({ 200: PartySchema }),
      },
    },
    async (req) => parties.setState(principalOf(req), req.params.id, req.body.state),
  );

  app.delete(
    '/api/parties/:id',
    {
      config: { access: 'host' },
      schema: {
        tags: ['parties'],
        summary: 'End a party for good (its host); the sales it already created stay',
        params: IdParams('party'),
        response: withProblems({ 200: PartySchema }),
      },
    },
    async (req) => parties.setState(principalOf(req), req.params.id, 'ended'),
  );
}
