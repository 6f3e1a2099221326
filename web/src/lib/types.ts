/** The API's shapes as the web app uses them (see GET /docs/json for the full document). */

export type Role = 'buyer' | 'host' | 'admin';

export interface User {
  id: string;
  email: string | null;
  name: string;
  role: Role;
  guest: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  token: string;
}

export type SaleStatus = 'scheduled' | 'live' | 'sold_out' | 'ended';

export interface WaitingRoomConfig {
  admitPerMinute: number;
  maxActive: number;
  opensBeforeSeconds: number;
  admissionTtlSeconds: number;
  abandonAfterSeconds?: number;
  proofOfWork?: { difficulty: number };
}

export interface SaleItem {
  id?: string;
  sku: string;
  title: string;
  priceCents: number;
  currency: string;
  stock: number;
  remaining: number;
  perBuyerLimit: number;
  imageUrl: string | null;
  active?: boolean;
  version: number;
}

export interface Sale {
  id: string;
  hostId: string;
  title: string;
  kind: string;
  startsAt: string;
  endsAt: string;
  hashtags: string[];
  holdSeconds: number;
  waitingRoom: WaitingRoomConfig | null;
  status: SaleStatus;
  items: SaleItem[];
  /** The party this sale is an occurrence of, if any. */
  partyId: string | null;
  serverTime: string;
}

// ---- Parties (GET /api/parties): a sale at a fixed local time, every day or on chosen weekdays

export type PartyState = 'active' | 'paused' | 'ended';
export type PartyFrequency = 'daily' | 'weekly';

export interface PartyRecurrence {
  frequency: PartyFrequency;
  /** weekly: 0 = Sunday … 6 = Saturday, in `timeZone`. */
  weekdays?: number[];
  /** Local start time, `HH:MM` (24-hour). */
  time: string;
  /** IANA zone, e.g. `Europe/Paris`. */
  timeZone: string;
}

export interface PartyItem {
  sku: string;
  stock: number;
  priceCents?: number;
  perBuyerLimit: number;
}

/** One of a party's sales (an occurrence) that has not ended yet. */
export interface PartySale {
  id: string;
  startsAt: string;
  endsAt: string;
  status: SaleStatus;
}

export interface Party {
  id: string;
  hostId: string;
  title: string;
  description: string;
  hashtags: string[];
  recurrence: PartyRecurrence;
  durationMinutes: number;
  holdSeconds: number;
  waitingRoom: WaitingRoomConfig | null;
  items: PartyItem[];
  state: PartyState;
  startsOn: string;
  endsOn: string | null;
  /** The next start times (up to 5) while it is active. */
  nextOccurrences: string[];
  /** Its sales not yet ended (the one on now, then those scheduled), by start time. */
  sales: PartySale[];
  createdAt: string;
}

/** A ticket's state in a waiting room (`queue:SALE:TICKET` state frames carry the same). */
export type TicketState = 'waiting' | 'admitted' | 'left' | 'abandoned' | 'done';

/** GET/POST /api/sales/:id/queue[/:ticket]: the holder's place in line. */
export interface QueueStatus {
  ticket: string;
  saleId: string;
  state: TicketState;
  /** 1-based place among those waiting; 0 once admitted; null before the draw or when gone. */
  position: number | null;
  etaSeconds: number | null;
  preOpen: boolean;
  saleStartsAt: string;
  paused: boolean;
  admissionToken?: string;
  admissionExpiresAt?: string;
}

/** GET /api/sales/:id/queue: the queue as its host sees it. */
export interface QueueHostView {
  saleId: string;
  length: number;
  waiting: number;
  preOpen: number;
  admitted: number;
  active: number;
  maxActive: number;
  configuredPerMinute: number;
  admitPerMinute: number;
  observedPerMinute: number | null;
  paused: boolean;
  opensAt: string;
  startsAt: string;
}

export interface PowChallenge {
  challenge: string;
  difficulty: number;
  expiresAt: string;
}

/** What a `sale:ID` channel sends (`state` frames). */
export interface SaleState {
  id: string;
  title: string;
  status: SaleStatus;
  startsAt: string;
  endsAt: string;
  serverTime: string;
  waitingRoom: boolean;
  items: SaleItem[];
}

export type ReservationState = 'held' | 'released' | 'expired' | 'checked_out';

export interface Reservation {
  id: string;
  saleId: string;
  saleItemId?: string;
  sku: string;
  quantity: number;
  priceCents?: number;
  currency?: string;
  state: ReservationState;
  source?: string;
  expiresAt: string;
  createdAt?: string;
  orderId?: string | null;
}

export interface WaitlistEntry {
  id: string;
  saleId: string;
  sku: string;
  quantity: number;
  state: string;
  position: number | null;
  reservationId: string | null;
  createdAt: string;
}

export interface Variant {
  id: string;
  sku: string;
  title: string;
  priceCents: number;
  currency: string;
}

export interface Product {
  id: string;
  hostId: string;
  title: string;
  description: string;
  imageUrl: string | null;
  hashtags: string[];
  variants: Variant[];
  createdAt: string;
}

export type OrderState =
  | 'pending_payment'
  | 'paid'
  | 'payment_failed'
  | 'packed'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'refunded';

export type PaymentMethodKind = 'card' | 'wallet' | 'bnpl';

export interface Installment {
  dueDate: string;
  amountCents: number;
}

export interface OrderPayment {
  provider?: string;
  method?: PaymentMethodKind;
  status?: string;
  ref?: string;
  label?: string;
  reason?: string;
  installments?: Installment[];
  nextAction?: { type: 'challenge'; url: string };
}

export interface Shipping {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
  email?: string;
  phone?: string;
}

export interface OrderLine {
  sku: string;
  title: string;
  quantity: number;
  priceCents: number;
  reservationId: string | null;
}

export interface Order {
  id: string;
  buyerId: string;
  state: OrderState;
  source: string;
  totalCents: number;
  currency: string;
  lines: OrderLine[];
  shipping: Shipping | null;
  payment: OrderPayment | null;
  fulfilment: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface SavedPaymentMethod {
  id: string;
  method: string;
  label: string;
  createdAt: string;
}

export interface SaleStats {
  saleId: string;
  claims: number;
  unitsClaimed: number;
  unitsReturned: number;
  ordersPaid: number;
  unitsSold: number;
  revenueCents: number;
  claimsPerMinute: Array<{ minute: string; claims: number; units: number }>;
}

/** An RFC 9457 problem with Flashmob's stable `code` and its facts. */
/** GET /api/me/mfa: the second factors of the signed-in user. */
export interface MfaStatus {
  totp: 'off' | 'pending' | 'active';
  recoveryCodesLeft: number;
  passkeys: number;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
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
}

// ---- Live shows (GET /api/shows, the `show:ID` and `show:ID:host` channels)

export type ShowStatus = 'scheduled' | 'live' | 'ended';

/** The product pinned in a show: an item of the show's own sale, bought with a claim. */
export interface FeaturedItem {
  saleId: string;
  itemId: string;
  sku: string;
  title: string;
  priceCents: number;
  currency: string;
  stock: number;
  remaining: number;
  perBuyerLimit: number;
  imageUrl: string | null;
  version: number;
}

export interface Show {
  id: string;
  hostId: string;
  hostName: string;
  title: string;
  description: string;
  startsAt: string;
  streamUrl: string | null;
  hashtags: string[];
  status: ShowStatus;
  wentLiveAt: string | null;
  endedAt: string | null;
  saleId: string;
  featured: FeaturedItem | null;
  commentToBuy: { enabled: boolean; keyword: string };
  slowModeSeconds: number;
  /** The host's own words masked in chat (lower case, single spaces). */
  blockedWords: string[];
  pinned: { text: string; at: string } | null;
  followers: number;
  serverTime: string;
}

export type AuctionStatus = 'running' | 'sold' | 'no_bids' | 'reserve_not_met' | 'cancelled' | 'unpaid';

export interface Auction {
  id: string;
  showId: string;
  sku: string;
  title: string;
  currency: string;
  startCents: number;
  incrementCents: number;
  /** Whether a reserve exists and is met (its amount stays the host's secret). */
  reserve: { set: boolean; met: boolean };
  suddenDeath: boolean;
  startsAt: string;
  endsAt: string;
  status: AuctionStatus;
  highCents: number | null;
  highBidderId: string | null;
  bidCount: number;
  nextMinimumCents: number;
  winnerId: string | null;
  orderId: string | null;
  serverTime: string;
}

export interface AuctionBid {
  id: string;
  bidderId: string;
  bidderName: string;
  amountCents: number;
  at: string;
}

export interface BidAccepted {
  bid: { id: string; amountCents: number; at: string };
  endsAt: string;
  extended: boolean;
  nextMinimumCents: number;
  replay: boolean;
}

export interface Poll {
  id: string;
  showId: string;
  question: string;
  status: 'open' | 'closed';
  results: { total: number; options: Array<{ option: string; count: number; percent: number }> };
}

export interface Giveaway {
  id: string;
  showId: string;
  sku: string;
  title: string;
  opensAt: string;
  closesAt: string;
  status: 'open' | 'drawn' | 'no_entries';
  entrants: number;
  winnerId: string | null;
  orderId: string | null;
  /** sha256 of the draw's secret seed, published before anyone enters (commit–reveal). */
  seedHash: string | null;
}

/** A giveaway's published proof (GET /api/giveaways/:id/proof). */
export interface GiveawayProof {
  giveawayId: string;
  status: Giveaway['status'];
  algorithm: string;
  seedHash: string | null;
  /** Revealed once drawn. */
  seed: string | null;
  entrants: string[];
  entrantsHash: string | null;
  entrantCount: number;
  winnerIndex: number | null;
  winnerId: string | null;
  youEntered?: boolean;
}

export interface ChatMessage {
  id: string;
  showId: string;
  userId: string | null;
  userName: string;
  text: string;
  kind: 'chat' | 'announcement' | 'bot' | 'system';
  /** Profanity was masked in this line. */
  flagged: boolean;
  at: string;
  replyTo?: string;
}

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

export interface RadarQuestion {
  id: string;
  showId: string;
  messageId: string;
  userId: string | null;
  userName: string;
  text: string;
  topics: string[];
  status: 'open' | 'answered';
  at: string;
}

/** A `show:ID:host` state frame: the chat's mood over the last minute and the open questions. */
export interface HostRoomState {
  showId: string;
  sentiment: { average: number; count: number; label: 'positive' | 'neutral' | 'negative' };
  questions: RadarQuestion[];
  viewers: number;
  serverTime: string;
}

export interface Faq {
  id: string;
  question: string;
  answer: string;
}

export interface FollowState {
  following: boolean;
  followers: number;
}

// ---- Trending (GET /api/trending): what is hot now, by a heat that halves every 10 minutes

/** A sale by its heat (1 per unit claimed, 2 per unit asked for on a waitlist). */
export interface TrendingSale {
  heat: number;
  sale: Sale;
}

/** A show by its heat (claims of its featured product, 2 per auction bid). */
export interface TrendingShow {
  heat: number;
  show: Show;
}

export interface TrendingTag {
  tag: string;
  heat: number;
}

/** Hottest first in each list; ended sales and shows are left out. Cached 2 s by the server. */
export interface Trending {
  halfLifeMinutes: number;
  sales: TrendingSale[];
  shows: TrendingShow[];
  tags: TrendingTag[];
  serverTime: string;
}
