import { Type } from '@sinclair/typebox';
import { MAX_BLOCKED_WORD_LENGTH, MAX_BLOCKED_WORDS } from '../../domain/blocked-words.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Cents, Id, IsoDate, MultilineText, Sku, withProblems } from '../../platform/http/schemas.ts';
import { type AudienceDeps, audienceRoutes } from './audience-routes.ts';
import { type EngagementDeps, engagementRoutes } from './engagement-routes.ts';
import { ShowParams, ShowSchema } from './schemas.ts';
import type { ShowsService } from './service.ts';
import { SHOW_STATUSES } from './types.ts';

const Tag = Type.String({ pattern: '^#?[A-Za-z0-9_]{1,40}$', maxLength: 41 });
const StreamUrl = Type.String({ maxLength: 2_000, pattern: '^(https?://[^\\s]+|/[^\\s]*)$' });

export interface ShowRoutesDeps extends AudienceDeps, EngagementDeps {}

/** Every route of the shows module: the show itself here, its audience and its engagement beside. */
export function showRoutes(app: App, d: ShowRoutesDeps): void {
  hostRoutes(app, d.shows);
  audienceRoutes(app, d);
  engagementRoutes(app, d);
}

/** The show as its host runs it: schedule, change, go live, end, feature, pin, moderators. */
function hostRoutes(app: App, shows: ShowsService): void {
  app.post(
    '/api/shows',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Schedule a live show (host)',
        body: Body({
          title: Type.String({ minLength: 1, maxLength: 200 }),
          startsAt: IsoDate,
          streamUrl: Type.Optional(StreamUrl),
          hashtags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
          description: Type.Optional(MultilineText({ maxLength: 5_000 })),
        }),
        response: withProblems({ 201: Type.Ref(ShowSchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await shows.create(principalOf(req), req.body)),
  );

  app.get(
    '/api/shows',
    {
      config: { access: 'public' },
      schema: {
        tags: ['shows'],
        summary: 'Shows: live first, then upcoming, then ended; filter by status, hashtag, host',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('upcoming'), ...SHOW_STATUSES.map((s) => Type.Literal(s))]),
            ),
            tag: Type.Optional(Tag),
            host: Type.Optional(Id('user')),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(Type.Ref(ShowSchema)) }),
      },
    },
    async (req) =>
      shows.list({
        limit: req.query.limit,
        offset: req.query.offset,
        ...(req.query.status ? { status: req.query.status } : {}),
        ...(req.query.tag ? { tag: req.query.tag } : {}),
        ...(req.query.host ? { hostId: req.query.host } : {}),
      }),
  );

  app.get(
    '/api/shows/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['shows'],
        summary: 'One show',
        params: ShowParams,
        response: withProblems({ 200: Type.Ref(ShowSchema) }),
      },
    },
    async (req) => {
      const show = await shows.get(req.params.id);
      if (!show) throw new AppError('not_found', 'Show not found');
      return show;
    },
  );

  app.patch(
    '/api/shows/:id',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Change a show: title, stream, comment-to-buy and its keyword, slow mode, blocked words',
        params: ShowParams,
        body: Body({
          title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          description: Type.Optional(MultilineText({ maxLength: 5_000 })),
          streamUrl: Type.Optional(Type.Union([StreamUrl, Type.Null()])),
          commentToBuy: Type.Optional(Type.Boolean()),
          keyword: Type.Optional(Type.String({ pattern: '^\\s*[A-Za-z0-9#!]{1,20}\\s*$', maxLength: 40 })),
          slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600 })),
          blockedWords: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: MAX_BLOCKED_WORD_LENGTH }), {
              maxItems: MAX_BLOCKED_WORDS,
            }),
          ),
        }),
        response: withProblems({ 200: Type.Ref(ShowSchema) }),
      },
    },
    async (req) => shows.update(principalOf(req), req.params.id, req.body),
  );

  for (const [action, summary] of [
    ['live', 'Go live: the room opens and its sale with it'],
    ['end', 'End the show: its sale closes (holds made can still be checked out)'],
  ] as const) {
    app.post(
      `/api/shows/:id/${action}`,
      {
        config: { access: 'host' },
        schema: {
          tags: ['shows'],
          summary,
          params: ShowParams,
          response: withProblems({ 200: Type.Ref(ShowSchema) }),
        },
      },
      async (req) =>
        action === 'live'
          ? shows.goLive(principalOf(req), req.params.id)
          : shows.end(principalOf(req), req.params.id),
    );
  }

  app.post(
    '/api/shows/:id/feature',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Pin a product for one-tap buying (a sale item of the show: the claim engine sells it)',
        params: ShowParams,
        body: Body({
          sku: Sku,
          stock: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          priceCents: Cents,
          perBuyerLimit: Type.Integer({ minimum: 1, maximum: 1_000 }),
        }),
        response: withProblems({ 200: Type.Ref(ShowSchema) }),
      },
    },
    async (req) => shows.feature(principalOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/shows/:id/feature',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Unpin the featured product',
        params: ShowParams,
        response: withProblems({ 200: Type.Ref(ShowSchema) }),
      },
    },
    async (req) => shows.unfeature(principalOf(req), req.params.id),
  );

  app.post(
    '/api/shows/:id/announcements',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Pin an announcement on top of the chat',
        params: ShowParams,
        body: Body({ text: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: withProblems({ 200: Type.Ref(ShowSchema) }),
      },
    },
    async (req) => shows.pin(principalOf(req), req.params.id, req.body.text),
  );

  app.delete(
    '/api/shows/:id/announcements',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Unpin the announcement',
        params: ShowParams,
        response: withProblems({ 200: Type.Ref(ShowSchema) }),
      },
    },
    async (req) => shows.pin(principalOf(req), req.params.id, null),
  );

  app.post(
    '/api/shows/:id/moderators',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Make a user a moderator of this show',
        params: ShowParams,
        body: Body({ userId: Id('user') }),
        response: withProblems({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await shows.addModerator(principalOf(req), req.params.id, req.body.userId);
      return reply.code(204).send(null);
    },
  );
}
