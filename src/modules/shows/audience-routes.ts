import { Type } from '@sinclair/typebox';
import { REACTIONS } from '../../domain/chat-rules.ts';
import { AppError } from '../../platform/errors.ts';
import { actorOf, principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Id, withProblems } from '../../platform/http/schemas.ts';
import { authorize, manage } from '../policy/index.ts';
import { ChatLineBody, type ChatService } from './chat.ts';
import type { FollowsService } from './follows.ts';
import type { ReactionCounter } from './reactions.ts';
import { ChatMessageSchema, FollowerSchema, FollowStateSchema, ShowParams } from './schemas.ts';
import type { ShowsService } from './service.ts';

export interface AudienceDeps {
  readonly shows: ShowsService;
  readonly follows: FollowsService;
  readonly chat: ChatService;
  readonly reactions: ReactionCounter;
}

/** The room's audience: following hosts, chat and its moderation, reactions. */
export function audienceRoutes(app: App, d: AudienceDeps): void {
  // ---- following hosts
  const HostParams = Type.Object({ id: Id('user') }, { additionalProperties: false });
  app.post(
    '/api/hosts/:id/follow',
    {
      config: { access: 'user' },
      schema: {
        tags: ['shows'],
        summary:
          'Follow a host (followers who are online get `host.live` on their user channel when the host goes live)',
        params: HostParams,
        response: withProblems({ 200: Type.Ref(FollowStateSchema) }),
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
        response: withProblems({ 200: Type.Ref(FollowStateSchema) }),
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
        response: withProblems({ 200: Type.Ref(FollowStateSchema) }),
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
        response: withProblems({ 200: Type.Array(Type.Ref(FollowerSchema)) }),
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
        response: withProblems({ 200: Type.Array(Type.Ref(ChatMessageSchema)) }),
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
        response: withProblems({ 201: Type.Ref(ChatMessageSchema) }),
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
}
