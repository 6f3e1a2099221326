import { type TSchema, Type } from '@sinclair/typebox';
import { IdParams } from '../../platform/http/schemas.ts';
import { CHAT_KINDS } from './chat-types.ts';
import { SHOW_STATUSES } from './types.ts';

/**
 * The shows module's response shapes. Fastify serialises a reply through its schema and drops
 * what the schema does not name, so each one lists every field the service returns.
 */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const ShowParams = IdParams('show');

export const FeaturedItemSchema = Type.Object(
  {
    saleId: Type.String(),
    itemId: Type.String(),
    sku: Type.String(),
    title: Type.String(),
    priceCents: Type.Integer(),
    currency: Type.String(),
    stock: Type.Integer(),
    remaining: Type.Integer(),
    perBuyerLimit: Type.Integer(),
    imageUrl: Nullable(Type.String()),
    version: Type.Integer(),
  },
  { $id: 'FeaturedItem' },
);

export const ShowSchema = Type.Object(
  {
    id: Type.String(),
    hostId: Type.String(),
    hostName: Type.String(),
    title: Type.String(),
    description: Type.String(),
    startsAt: Type.String(),
    streamUrl: Nullable(Type.String()),
    hashtags: Type.Array(Type.String()),
    status: literals(SHOW_STATUSES),
    wentLiveAt: Nullable(Type.String()),
    endedAt: Nullable(Type.String()),
    saleId: Type.String(),
    featured: Nullable(Type.Ref(FeaturedItemSchema)),
    commentToBuy: Type.Object({ enabled: Type.Boolean(), keyword: Type.String() }),
    slowModeSeconds: Type.Integer(),
    blockedWords: Type.Array(Type.String(), { description: 'the host’s own words masked in chat' }),
    pinned: Nullable(Type.Object({ text: Type.String(), at: Type.String() })),
    followers: Type.Integer(),
    serverTime: Type.String(),
  },
  { $id: 'Show' },
);

export const ChatMessageSchema = Type.Object(
  {
    id: Type.String(),
    showId: Type.String(),
    userId: Nullable(Type.String()),
    userName: Type.String(),
    text: Type.String(),
    kind: literals(CHAT_KINDS),
    flagged: Type.Boolean({ description: 'profanity was masked in this line' }),
    at: Type.String(),
    replyTo: Type.Optional(Type.String({ description: 'for bot answers: the line answered' })),
  },
  { $id: 'ChatMessage' },
);

export const PollSchema = Type.Object(
  {
    id: Type.String(),
    showId: Type.String(),
    question: Type.String(),
    status: literals(['open', 'closed'] as const),
    results: Type.Object({
      total: Type.Integer(),
      options: Type.Array(
        Type.Object({ option: Type.String(), count: Type.Integer(), percent: Type.Integer() }),
      ),
    }),
  },
  { $id: 'Poll' },
);

const GIVEAWAY_STATUSES = ['open', 'drawn', 'no_entries'] as const;

export const GiveawaySchema = Type.Object(
  {
    id: Type.String(),
    showId: Type.String(),
    sku: Type.String(),
    title: Type.String(),
    opensAt: Type.String(),
    closesAt: Type.String(),
    status: literals(GIVEAWAY_STATUSES),
    entrants: Type.Integer(),
    winnerId: Nullable(Type.String()),
    orderId: Nullable(Type.String()),
    seedHash: Nullable(Type.String({ description: 'sha256 of the draw’s secret seed (commit–reveal)' })),
  },
  { $id: 'Giveaway' },
);

export const GiveawayEntrySchema = Type.Object(
  { entered: Type.Boolean(), alreadyEntered: Type.Boolean(), giveaway: Type.Ref(GiveawaySchema) },
  { $id: 'GiveawayEntry' },
);

export const GiveawayProofSchema = Type.Object(
  {
    giveawayId: Type.String(),
    status: literals(GIVEAWAY_STATUSES),
    entrantCount: Type.Integer(),
    entrantsHash: Nullable(Type.String()),
    winnerIndex: Nullable(Type.Integer()),
    winnerId: Nullable(Type.String()),
    entrants: Type.Array(Type.String()),
    algorithm: Type.String(),
    seedHash: Nullable(Type.String()),
    seed: Nullable(Type.String({ description: 'revealed once drawn' })),
    verified: Nullable(Type.Boolean()),
    youEntered: Type.Optional(Type.Boolean()),
  },
  { $id: 'GiveawayProof' },
);

export const FaqSchema = Type.Object(
  { id: Type.String(), question: Type.String(), answer: Type.String() },
  { $id: 'Faq' },
);

export const RadarQuestionSchema = Type.Object(
  {
    id: Type.String(),
    showId: Type.String(),
    messageId: Type.String(),
    userId: Nullable(Type.String()),
    userName: Type.String(),
    text: Type.String(),
    topics: Type.Array(Type.String()),
    status: literals(['open', 'answered'] as const),
    at: Type.String(),
  },
  { $id: 'RadarQuestion' },
);

export const FollowStateSchema = Type.Object(
  { following: Type.Boolean(), followers: Type.Integer() },
  { $id: 'FollowState' },
);

export const FollowerSchema = Type.Object(
  { id: Type.String(), name: Type.String(), since: Type.String() },
  { $id: 'Follower' },
);

/** Registered once on the app (`addSchema`), so routes refer to them and OpenAPI names them. */
export const showSchemas = [
  FeaturedItemSchema,
  ShowSchema,
  ChatMessageSchema,
  PollSchema,
  GiveawaySchema,
  GiveawayEntrySchema,
  GiveawayProofSchema,
  FaqSchema,
  RadarQuestionSchema,
  FollowStateSchema,
  FollowerSchema,
];
