import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Id, MultilineText, Sku, withProblems } from '../../platform/http/schemas.ts';
import type { GiveawaysService } from './giveaways.ts';
import type { PollsService } from './polls.ts';
import type { RoomIntelligence } from './room-intelligence.ts';
import {
  FaqSchema,
  GiveawayEntrySchema,
  GiveawayProofSchema,
  GiveawaySchema,
  PollSchema,
  RadarQuestionSchema,
  ShowParams,
} from './schemas.ts';

export interface EngagementDeps {
  readonly polls: PollsService;
  readonly giveaways: GiveawaysService;
  readonly intelligence: RoomIntelligence;
}

/** What the host does with the room: polls, giveaways, the FAQ bot and the question radar. */
export function engagementRoutes(app: App, d: EngagementDeps): void {
  // ---- polls
  const PollParams = Type.Object({ id: Id('poll') }, { additionalProperties: false });
  app.post(
    '/api/shows/:id/polls',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Ask the room (2–6 options); opening one closes the previous',
        params: ShowParams,
        body: Body({
          question: Type.String({ minLength: 1, maxLength: 200 }),
          options: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 2, maxItems: 6 }),
        }),
        response: withProblems({ 201: Type.Ref(PollSchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await d.polls.open(principalOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/polls/:id/votes',
    {
      config: { access: 'user', rateLimit: { points: 20, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['shows'],
        summary: 'Vote once',
        params: PollParams,
        body: Body({ option: Type.Integer({ minimum: 0, maximum: 5 }) }),
        response: withProblems({ 201: Type.Ref(PollSchema) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await d.polls.vote(principalOf(req).id, req.params.id, req.body.option)),
  );
  app.post(
    '/api/polls/:id/close',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Close a poll',
        params: PollParams,
        response: withProblems({ 200: Type.Ref(PollSchema) }),
      },
    },
    async (req) => d.polls.close(principalOf(req), req.params.id),
  );
  app.get(
    '/api/polls/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['shows'],
        summary: 'A poll and its live results',
        params: PollParams,
        response: withProblems({ 200: Type.Ref(PollSchema) }),
      },
    },
    async (req) => {
      const poll = await d.polls.view(req.params.id);
      if (!poll) throw new AppError('not_found', 'No such poll');
      return poll;
    },
  );

  // ---- giveaways
  const GiveawayParams = Type.Object({ id: Id('giveaway') }, { additionalProperties: false });
  app.post(
    '/api/shows/:id/giveaways',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Open a giveaway: viewers enter during the window, then the host draws',
        params: ShowParams,
        body: Body({ sku: Sku, durationSeconds: Type.Integer({ minimum: 5, maximum: 3_600 }) }),
        response: withProblems({ 201: Type.Ref(GiveawaySchema) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await d.giveaways.open(principalOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/giveaways/:id/entries',
    {
      config: { access: 'user', rateLimit: { points: 10, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['shows'],
        summary: 'Enter (once; entering again is fine)',
        params: GiveawayParams,
        response: withProblems({ 201: Type.Ref(GiveawayEntrySchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await d.giveaways.enter(principalOf(req).id, req.params.id)),
  );
  app.post(
    '/api/giveaways/:id/draw',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Close the window and draw (crypto.randomInt among the entrants); the prize is a free order',
        params: GiveawayParams,
        response: withProblems({ 200: Type.Ref(GiveawaySchema) }),
      },
    },
    async (req) => d.giveaways.draw(principalOf(req), req.params.id),
  );
  app.get(
    '/api/giveaways/:id/proof',
    {
      config: { access: 'optional' },
      schema: {
        tags: ['shows'],
        summary:
          'The draw’s proof: sorted entrants, their SHA-256, the winner’s index; and whether you were in it',
        params: GiveawayParams,
        response: withProblems({ 200: Type.Ref(GiveawayProofSchema) }),
      },
    },
    async (req) => d.giveaways.proof(req.params.id, req.principal?.id),
  );

  // ---- room intelligence (host)
  app.post(
    '/api/shows/:id/faqs',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary:
          'Teach the FAQ bot: a viewer question that matches is answered in chat (marked as the bot’s)',
        params: ShowParams,
        body: Body({
          question: Type.String({ minLength: 3, maxLength: 300 }),
          answer: MultilineText({ minLength: 1, maxLength: 500 }),
        }),
        response: withProblems({ 201: Type.Ref(FaqSchema) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await d.intelligence.addFaq(principalOf(req), req.params.id, req.body)),
  );
  app.get(
    '/api/shows/:id/faqs',
    {
      config: { access: 'public' },
      schema: {
        tags: ['shows'],
        summary: 'The show’s FAQ',
        params: ShowParams,
        response: withProblems({ 200: Type.Array(Type.Ref(FaqSchema)) }),
      },
    },
    async (req) => d.intelligence.listFaqs(req.params.id),
  );
  app.get(
    '/api/shows/:id/questions',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary: 'Question radar: buyer questions from the chat, for the host to answer',
        params: ShowParams,
        querystring: Type.Object(
          { status: Type.Optional(Type.Union(['open', 'answered', 'all'].map((s) => Type.Literal(s)))) },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(Type.Ref(RadarQuestionSchema)) }),
      },
    },
    async (req) => d.intelligence.questions(principalOf(req), req.params.id, req.query.status ?? 'open'),
  );
  app.post(
    '/api/shows/:id/questions/:questionId/answered',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary: 'Mark a radar question answered',
        params: Type.Object({ id: Id('show'), questionId: Id('question') }, { additionalProperties: false }),
        response: withProblems({ 200: Type.Ref(RadarQuestionSchema) }),
      },
    },
    async (req) => d.intelligence.answered(principalOf(req), req.params.id, req.params.questionId),
  );
}
