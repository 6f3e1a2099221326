import { Type } from '@sinclair/typebox';
import { MAX_BLOCKED_WORD_LENGTH, MAX_BLOCKED_WORDS } from '../../domain/blocked-words.ts';
import { REACTIONS } from '../../domain/chat-rules.ts';
import { AppError } from '../../platform/errors.ts';
import { actorOf, principalOf } from '../../platform/http/access.ts';
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
import { authorize, manage } from '../policy/index.ts';
import { ChatLineBody, type ChatService } from './chat.ts';
import type { FollowsService } from './follows.ts';
import type { GiveawaysService } from './giveaways.ts';
import type { PollsService } from './polls.ts';
import type { ReactionCounter } from './reactions.ts';
import type { RoomIntelligence } from './room-intelligence.ts';
import type { ShowsService } from './service.ts';
import { SHOW_STATUSES } from './types.ts';

const Tag = Type.String({ pattern: '^#?[A-Za-z0-9_]{1,40}$', maxLength: 41 });
const StreamUrl = Type.String({ maxLength: 2_000, pattern: '^(https?://[^\\s]+|/[^\\s]*)$' });
const Any = Type.Object({}, { additionalProperties: true });
const ShowParams = IdParams('show');

export interface ShowRoutesDeps {
  readonly shows: ShowsService;
  readonly follows: FollowsService;
  readonly chat: ChatService;
  readonly reactions: ReactionCounter;
  readonly polls: PollsService;
  readonly giveaways: GiveawaysService;
  readonly intelligence: RoomIntelligence;
}

export function showRoutes(app: App, d: ShowRoutesDeps): void {
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
        response: withProblems({ 201: Any }),
      },
    },
    async (req, reply) => reply.code(201).send(await d.shows.create(principalOf(req), req.body)),
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
        response: withProblems({ 200: Type.Array(Any) }),
      },
    },
    async (req) =>
      d.shows.list({
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
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => {
      const show = await d.shows.get(req.params.id);
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
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => d.shows.update(principalOf(req), req.params.id, req.body),
  );

  for (const [action, summary] of [
    ['live', 'Go live: the room opens and its sale with it'],
    ['end', 'End the show: its sale closes (holds made can still be checked out)'],
  ] as const) {
    app.post(
      `/api/shows/:id/${action}`,
      {
        config: { access: 'host' },
        schema: { tags: ['shows'], summary, params: ShowParams, response: withProblems({ 200: Any }) },
      },
      async (req) =>
        action === 'live'
          ? d.shows.goLive(principalOf(req), req.params.id)
          : d.shows.end(principalOf(req), req.params.id),
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
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => d.shows.feature(principalOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/shows/:id/feature',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Unpin the featured product',
        params: ShowParams,
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => d.shows.unfeature(principalOf(req), req.params.id),
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
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => d.shows.pin(principalOf(req), req.params.id, req.body.text),
  );

  app.delete(
    '/api/shows/:id/announcements',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'Unpin the announcement',
        params: ShowParams,
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => d.shows.pin(principalOf(req), req.params.id, null),
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
      await d.shows.addModerator(principalOf(req), req.params.id, req.body.userId);
      return reply.code(204).send(null);
    },
  );

  // ---- following hosts
  const HostParams = Type.Object({ id: Id('user') }, { additionalProperties: false });
  const Follow = Type.Object({ following: Type.Boolean(), followers: Type.Integer() });
  app.post(
    '/api/hosts/:id/follow',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary:
          'Follow a host (followers who are online get `host.live` on their user channel when the host goes live)',
        params: HostParams,
        response: withProblems({ 200: Follow }),
      },
    },
    async (req) => d.follows.follow(principalOf(req).id, req.params.id),
  );
  app.get(
    '/api/hosts/:id/follow',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary: 'Whether you follow a host, and their follower count (what a Follow button shows)',
        params: HostParams,
        response: withProblems({ 200: Follow }),
      },
    },
    async (req) => {
      const [following, followers] = await Promise.all([
        d.follows.isFollowing(principalOf(req).id, req.params.id),
        d.follows.followerCount(req.params.id),
      ]);
      return { following, followers };
    },
  );
  app.delete(
    '/api/hosts/:id/follow',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary: 'Unfollow a host',
        params: HostParams,
        response: withProblems({ 200: Follow }),
      },
    },
    async (req) => d.follows.unfollow(principalOf(req).id, req.params.id),
  );
  app.get(
    '/api/hosts/:id/followers',
    {
      config: { access: 'host' },
      schema: {
        tags: ['shows'],
        summary: 'A host’s followers (that host, or an admin)',
        params: HostParams,
        response: withProblems({ 200: Type.Array(Any) }),
      },
    },
    async (req) => {
      const me = principalOf(req);
      authorize(manage(me, req.params.id, 'these followers'));
      return d.follows.followers(req.params.id);
    },
  );

  // ---- chat, moderation, reactions
  app.get(
    '/api/shows/:id/chat',
    {
      config: { access: 'public' },
      schema: {
        tags: ['shows'],
        summary: 'The last chat lines of the room',
        params: ShowParams,
        response: withProblems({ 200: Type.Array(Any) }),
      },
    },
    async (req) => d.chat.recentLines(req.params.id),
  );

  app.post(
    '/api/shows/:id/chat',
    {
      config: { access: 'user', rateLimit: { points: 30, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['shows'],
        summary:
          'Post a chat line (also over the WebSocket: {op:"send", ch:"show:ID", ev:"chat", data:{text}})',
        description:
          '429 chat_rate_limited / slow_mode (retryAfterMs); 403 muted / banned; 410 show_ended. Profanity and the show’s blocked words are masked, obfuscated spellings too.',
        params: ShowParams,
        body: ChatLineBody,
        response: withProblems({ 201: Any }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await d.chat.post(req.params.id, principalOf(req), req.body.text)),
  );

  app.delete(
    '/api/shows/:id/chat/:messageId',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary: 'Delete a chat line (host or moderator)',
        params: Type.Object({ id: Id('show'), messageId: Id('chat') }, { additionalProperties: false }),
        response: withProblems({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await d.chat.remove(principalOf(req), req.params.id, req.params.messageId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/shows/:id/moderation',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary: 'Mute or ban a viewer from the show, on every node (host or moderator)',
        params: ShowParams,
        body: Body({
          userId: Id('user'),
          action: Type.Union(['mute', 'ban', 'unmute', 'unban'].map((a) => Type.Literal(a))),
          minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 })),
        }),
        response: withProblems({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      const b = req.body as { userId: string; action: 'mute' | 'ban' | 'unmute' | 'unban'; minutes?: number };
      await d.chat.moderate(actorOf(req), req.params.id, b.userId, b.action, b.minutes);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/shows/:id/reactions',
    {
      config: { access: 'user', rateLimit: { points: 100, windowSeconds: 10, by: 'user' } },
      schema: {
        tags: ['shows'],
        summary: 'React (hearts and a few emoji): counted and sent to the room as totals per tick',
        description: '404 not_found for no such show; 410 show_ended once it has ended; 403 banned.',
        params: ShowParams,
        body: Body({
          type: Type.Union(REACTIONS.map((r) => Type.Literal(r))),
          count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
        }),
        response: withProblems({ 202: Type.Object({ accepted: Type.Boolean() }) }),
      },
    },
    async (req, reply) => {
      // As chat: the show must exist and not be over (before it goes live is fine: pre-show hype).
      const show = await d.chat.show(req.params.id);
      if (show.status === 'ended') throw new AppError('show_ended', 'This show has ended');
      await d.shows.assertTakesPart(show.id, principalOf(req).id);
      d.reactions.add(req.params.id, req.body.type, req.body.count ?? 1);
      return reply.code(202).send({ accepted: true });
    },
  );

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
        response: withProblems({ 201: Any }),
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
        response: withProblems({ 201: Any }),
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
        response: withProblems({ 200: Any }),
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
        response: withProblems({ 200: Any }),
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
        response: withProblems({ 201: Any }),
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
        response: withProblems({ 201: Any }),
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
        response: withProblems({ 200: Any }),
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
        response: withProblems({ 200: Any }),
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
        response: withProblems({ 201: Any }),
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
        response: withProblems({ 200: Type.Array(Any) }),
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
        response: withProblems({ 200: Type.Array(Any) }),
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
        response: withProblems({ 200: Any }),
      },
    },
    async (req) => d.intelligence.answered(principalOf(req), req.params.id, req.params.questionId),
  );
}
