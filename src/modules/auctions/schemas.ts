import { type TSchema, Type } from '@sinclair/typebox';

/**
 * The auctions module's response shapes. Fastify serialises a reply through its schema and drops
 * what the schema does not name, so each one lists every field the service returns.
 */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const AUCTION_STATUSES = [
  'running',
  'sold',
  'no_bids',
  'reserve_not_met',
  'cancelled',
  'unpaid',
] as const;

export const AuctionSchema = Type.Object(
  {
    id: Type.String(),
    showId: Type.String(),
    sku: Type.String(),
    title: Type.String(),
    currency: Type.String(),
    startCents: Type.Integer(),
    incrementCents: Type.Integer(),
    reserve: Type.Object(
      { set: Type.Boolean(), met: Type.Boolean() },
      { description: 'whether a reserve exists and is met (its amount stays the host’s secret)' },
    ),
    suddenDeath: Type.Boolean(),
    startsAt: Type.String(),
    endsAt: Type.String(),
    status: Type.Union(AUCTION_STATUSES.map((s) => Type.Literal(s))),
    highCents: Nullable(Type.Integer()),
    highBidderId: Nullable(Type.String()),
    bidCount: Type.Integer(),
    nextMinimumCents: Type.Integer(),
    winnerId: Nullable(Type.String()),
    orderId: Nullable(Type.String()),
    serverTime: Type.String(),
  },
  { $id: 'Auction' },
);

export const AuctionBidSchema = Type.Object(
  {
    id: Type.String(),
    bidderId: Type.String(),
    bidderName: Type.String(),
    amountCents: Type.Integer(),
    at: Type.String(),
  },
  { $id: 'AuctionBid' },
);

export const BidAcceptedSchema = Type.Object(
  {
    bid: Type.Object({ id: Type.String(), amountCents: Type.Integer(), at: Type.String() }),
    endsAt: Type.String(),
    extended: Type.Boolean(),
    nextMinimumCents: Type.Integer(),
    replay: Type.Boolean({ description: 'the answer to an earlier bid with the same idempotencyKey' }),
  },
  { $id: 'BidAccepted' },
);

/** Registered once on the app (`addSchema`), so routes refer to them and OpenAPI names them. */
export const auctionSchemas = [AuctionSchema, AuctionBidSchema, BidAcceptedSchema];
