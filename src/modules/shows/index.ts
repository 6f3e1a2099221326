/** The shows module's public entry: other modules and the app import only this file. */

export { ChatLineBody, ChatService } from './chat.ts';
export { ChatArchive } from './chat-archive.ts';
export { type ChatPace, MemoryChatPace, RedisChatPace } from './chat-pace.ts';
export { type ChatMessage, type ModerationNotice, SUBJECTS, type UserNotice } from './chat-types.ts';
export { FollowsService } from './follows.ts';
export { GIVEAWAY_SUBJECT, GiveawaysService, type GiveawayView } from './giveaways.ts';
export { ModerationCache } from './moderation.ts';
export { createShows, type ShowsModule, showsPlugin } from './plugin.ts';
export { POLL_SUBJECT, PollsService, type PollView } from './polls.ts';
export { emptyCounts, ReactionCounter, type ReactionCounts } from './reactions.ts';
export { RoomIntelligence } from './room-intelligence.ts';
export { type ShowRoutesDeps, showRoutes } from './routes.ts';
export { showSchemas } from './schemas.ts';
export { ShowsService, showFacts } from './service.ts';
export type { Show } from './types.ts';
