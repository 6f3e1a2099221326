import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Ports } from '../../platform/ports.ts';
import type { ClaimEngine } from '../claims/index.ts';
import type { SalesService } from '../sales/index.ts';
import { ChatService } from './chat.ts';
import { ChatArchive } from './chat-archive.ts';
import type { ChatPace } from './chat-pace.ts';
import { FollowsService } from './follows.ts';
import { GiveawaysService } from './giveaways.ts';
import { ModerationCache } from './moderation.ts';
import { PollsService } from './polls.ts';
import { ReactionCounter } from './reactions.ts';
import { RoomIntelligence } from './room-intelligence.ts';
import { type ShowRoutesDeps, showRoutes } from './routes.ts';
import { ShowsService } from './service.ts';

export interface ShowsModule extends ShowRoutesDeps {
  /** Bans and mutes, cached per node and kept fresh over the bus. */
  readonly moderation: ModerationCache;
  /** Chat lines written to the store in batches. */
  readonly archive: ChatArchive;
}

/**
 * Shows and everything in their room (chat, moderation, reactions, polls, giveaways, room
 * intelligence) of one node. `pace` is who spoke when: in Redis with several api nodes, or each
 * node would give a chatter its own allowance.
 */
export function createShows(
  p: Ports,
  o: { readonly sales: SalesService; readonly engine: ClaimEngine; readonly pace: ChatPace },
): ShowsModule {
  const { store, bus, clock, logger, onCommit } = p;
  const moderation = new ModerationCache(store, bus, clock);
  const shows = new ShowsService(store, o.sales, clock, onCommit, moderation);
  const follows = new FollowsService(store);
  const intelligence = new RoomIntelligence(store, bus, clock, shows);
  const archive = new ChatArchive(store, logger.child({ component: 'chat-archive' }));
  const chat = new ChatService({
    pace: o.pace,
    store,
    bus,
    clock,
    logger,
    shows,
    moderation,
    archive,
    engine: o.engine,
    intelligence,
  });
  const polls = new PollsService(store, bus, shows, onCommit);
  const giveaways = new GiveawaysService(store, bus, clock, shows, onCommit);
  const reactions = new ReactionCounter(bus);
  return { shows, follows, chat, reactions, polls, giveaways, intelligence, moderation, archive };
}

const shows: AppPluginFn<ShowRoutesDeps> = async (app, d) => showRoutes(app, d);

/** Shows, their chat, moderation, reactions, polls, giveaways and questions: the shows module's routes. */
export const showsPlugin = fp(shows, {
  name: 'flashmob-shows',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
