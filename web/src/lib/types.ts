/**
 * The API's shapes as the web app uses them: names over the types `npm run openapi` generates
 * from docs/openapi.json (api-schema.d.ts), so they follow the server's schemas, never a copy.
 * Only what the HTTP contract does not carry is written here: the WebSocket channels' state
 * frames (composed from the API's types) and the problem facts the web app reads.
 */
import type { components, paths } from './api-schema.d.ts';

type Schemas = components['schemas'];
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Json<R, C extends number> = R extends { [K in C]: { content: { 'application/json': infer B } } }
  ? B
  : never;
type FirstSuccess<R> = [Json<R, 200>] extends [never]
  ? [Json<R, 201>] extends [never]
    ? [Json<R, 202>] extends [never]
      ? null
      : Json<R, 202>
    : Json<R, 201>
  : Json<R, 200>;

/** The JSON body of a route's success answer, by path and method (`null` for a 204). */
export type ApiResponse<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? FirstSuccess<R>
  : never;

/** The JSON body a route takes. */
export type ApiBody<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** A route's query parameters (those with a server default are optional). */
export type ApiQuery<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? Q
  : never;

export type User = Schemas['User'];
export type Role = User['role'];
export type Session = ApiResponse<'/api/auth/login', 'post'>;
/** GET /api/me/mfa: the second factors of the signed-in user. */
export type MfaStatus = ApiResponse<'/api/me/mfa', 'get'>;

export type Sale = Schemas['Sale'];
export type SaleStatus = Sale['status'];
/** A sale's item; a show's featured item is shown as one too (it has no `id` or `active` there). */
export type SaleItem = Omit<Sale['items'][number], 'id' | 'active'> &
  Partial<Pick<Sale['items'][number], 'id' | 'active'>>;
export type WaitingRoomConfig = NonNullable<Sale['waitingRoom']>;
export type SaleStats = ApiResponse<'/api/sales/{id}/stats', 'get'>;

// ---- Parties (GET /api/parties): a sale at a fixed local time, every day or on chosen weekdays
export type Party = ApiResponse<'/api/parties/{id}', 'get'>;
export type PartyState = Party['state'];
export type PartyRecurrence = Party['recurrence'];
export type PartyFrequency = PartyRecurrence['frequency'];
export type PartyItem = Party['items'][number];
/** One of a party's sales (an occurrence) that has not ended yet. */
export type PartySale = Party['sales'][number];

/** GET/POST /api/sales/:id/queue[/:ticket]: the holder's place in line. */
export type QueueStatus = ApiResponse<'/api/sales/{id}/queue/{ticket}', 'get'>;
/** A ticket's state in a waiting room (`queue:SALE:TICKET` state frames carry the same). */
export type TicketState = QueueStatus['state'];
/** GET /api/sales/:id/queue: the queue as its host sees it. */
export type QueueHostView = ApiResponse<'/api/sales/{id}/queue', 'get'>;
export type PowChallenge = ApiResponse<'/api/sales/{id}/queue/challenge', 'get'>;

/** What a `sale:ID` channel sends (`state` frames). */
export type SaleState = Pick<
  Sale,
  'id' | 'title' | 'status' | 'startsAt' | 'endsAt' | 'serverTime' | 'items'
> & {
  waitingRoom: boolean;
};

export type Reservation = Schemas['Reservation'];
export type ReservationState = Reservation['state'];
export type WaitlistEntry = ApiResponse<'/api/waitlist/{id}', 'delete'>;

export type Product = Schemas['Product'];
export type Variant = Product['variants'][number];

export type Order = Schemas['Order'];
export type OrderState = Order['state'];
export type OrderLine = Order['lines'][number];
export type Shipping = NonNullable<Order['shipping']>;
export type OrderPayment = NonNullable<Order['payment']>;
export type PaymentMethodKind = NonNullable<OrderPayment['method']>;
export type Installment = NonNullable<OrderPayment['installments']>[number];
export type SavedPaymentMethod = ApiResponse<'/api/payment-methods', 'get'>[number];

/** An RFC 9457 problem with Flashmob's stable `code` and the facts some codes carry (docs/errors.md). */
export type Problem = Pick<Schemas['Problem'], 'title' | 'status' | 'code' | 'detail' | 'instance'> & {
  type?: string;
  remaining?: number;
  limit?: number;
  alreadyHeld?: number;
  retryAfterSeconds?: number;
  startsAt?: string;
  state?: string;
  orderId?: string;
  reason?: string;
  errors?: Array<{ path: string; message: string }>;
  opensAt?: string;
  [fact: string]: unknown;
};

// ---- Live shows (GET /api/shows, the `show:ID` and `show:ID:host` channels)
export type Show = Schemas['Show'];
export type ShowStatus = Show['status'];
/** The product pinned in a show: an item of the show's own sale, bought with a claim. */
export type FeaturedItem = Schemas['FeaturedItem'];
export type Auction = Schemas['Auction'];
export type AuctionStatus = Auction['status'];
export type AuctionBid = Schemas['AuctionBid'];
export type BidAccepted = Schemas['BidAccepted'];
export type Poll = Schemas['Poll'];
export type Giveaway = Schemas['Giveaway'];
/** A giveaway's published proof (GET /api/giveaways/:id/proof). */
export type GiveawayProof = Schemas['GiveawayProof'];
export type ChatMessage = Schemas['ChatMessage'];
export type RadarQuestion = Schemas['RadarQuestion'];
export type Faq = Schemas['Faq'];
export type FollowState = Schemas['FollowState'];

/** A `show:ID` state frame: the whole room, always the latest. */
export interface RoomState {
  show: Show;
  auction: Auction | null;
  poll: Poll | null;
  giveaway: Giveaway | null;
  /** Running totals per reaction; its keys are the reactions the server accepts. */
  reactions: Record<string, number>;
  viewers: number;
  serverTime: string;
}

/** A `show:ID:host` state frame: the chat's mood over the last minute and the open questions. */
export interface HostRoomState {
  showId: string;
  sentiment: { average: number; count: number; label: 'positive' | 'neutral' | 'negative' };
  questions: RadarQuestion[];
  viewers: number;
  serverTime: string;
}

// ---- Trending (GET /api/trending): what is hot now, by a heat that halves every 10 minutes
/** Hottest first in each list; ended sales and shows are left out. Cached 2 s by the server. */
export type Trending = ApiResponse<'/api/trending', 'get'>;
/** A sale by its heat (1 per unit claimed, 2 per unit asked for on a waitlist). */
export type TrendingSale = Trending['sales'][number];
/** A show by its heat (claims of its featured product, 2 per auction bid). */
export type TrendingShow = Trending['shows'][number];
export type TrendingTag = Trending['tags'][number];
