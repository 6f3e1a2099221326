/**
 * A live auction as a pure state machine. The bid engine serialises bids per auction in
 * batches (like claims): it loads the auction row, calls `placeBids`, writes the new state in
 * the same transaction, then answers each bidder. Time is always a parameter, and the server's
 * clock is authoritative: a bid stamped at or after `endsAt` is late, whatever the client saw.
 */

/** Anti-sniping: a bid in the last 10 s pushes the end out to 10 s after it (Whatnot's default). */
export const DEFAULT_EXTEND_WINDOW_SECONDS = 10;

/** Stored status. Whether an open auction has started or run out follows from the clock. */
export const AUCTION_STATUSES = ['open', 'closed'] as const;
export type AuctionStatus = (typeof AUCTION_STATUSES)[number];

export interface AuctionConfig {
  readonly startCents: number;
  readonly incrementCents: number;
  /** Epoch ms. */
  readonly startsAt: number;
  readonly durationSeconds: number;
  /** Sudden death: the end never moves, the last bid before it wins. */
  readonly suddenDeath: boolean;
  /** Below this the item is not sold, even with bids. */
  readonly reserveCents?: number;
  readonly extendWindowSeconds?: number;
}

export interface Bid {
  readonly id: string;
  readonly bidderId: string;
  readonly amountCents: number;
  /** Server receive time, epoch ms. */
  readonly at: number;
}

export interface AuctionState {
  readonly endsAt: number;
  /** Accepted bids in the order they were accepted: each one outbids the one before. */
  readonly bids: readonly Bid[];
  readonly status: AuctionStatus;
}

interface Refused<C extends string, X> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
  readonly extra: X;
}

export type InvalidAuction = Refused<'invalid_auction', { readonly field: string }>;

export type BidRefusal =
  | Refused<'invalid_amount', { readonly amountCents: number }>
  | Refused<'auction_not_started', { readonly startsAt: number }>
  | Refused<'auction_ended', { readonly endsAt: number }>
  | Refused<'already_highest', { readonly amountCents: number }>
  | Refused<'bid_too_low', { readonly minimumCents: number }>;

export type BidRefusalCode = BidRefusal['code'];

export interface BidAccepted {
  /** The accepted bid (on a replay, the one accepted the first time). */
  readonly bid: Bid;
  /** The auction's end after this bid. */
  readonly endsAt: number;
  /** True when this bid pushed the end out (anti-sniping). */
  readonly extended: boolean;
  /** True when a bid with this id had already been accepted: a retry, nothing changed. */
  readonly replay: boolean;
}

export type BidOutcome = { readonly ok: true; readonly value: BidAccepted } | BidRefusal;

export type PlaceBidResult =
  | { readonly ok: true; readonly value: BidAccepted & { readonly state: AuctionState } }
  | BidRefusal;

export interface BatchResult {
  /** One per bid, in the order given. */
  readonly outcomes: readonly BidOutcome[];
  readonly state: AuctionState;
}

export interface Winner {
  readonly bidderId: string;
  readonly amountCents: number;
  readonly bidId: string;
}

export type Settlement =
  | { readonly outcome: 'sold'; readonly winner: Winner; readonly runnerUp?: Winner }
  | { readonly outcome: 'no_bids' }
  | { readonly outcome: 'reserve_not_met'; readonly highestCents: number };

const isPositiveInt = (n: number) => Number.isSafeInteger(n) && n > 0;
const isNonNegativeInt = (n: number) => Number.isSafeInteger(n) && n >= 0;

const refuse = <C extends string, X>(code: C, message: string, extra: X): Refused<C, X> => ({
  ok: false,
  code,
  message,
  extra,
});

/** Which field of a config is unusable, if any (the HTTP schema should catch these first). */
function invalidField(config: AuctionConfig): string | undefined {
  if (!isPositiveInt(config.startCents)) return 'startCents';
  if (!isPositiveInt(config.incrementCents)) return 'incrementCents';
  if (!Number.isSafeInteger(config.startsAt)) return 'startsAt';
  if (!isPositiveInt(config.durationSeconds)) return 'durationSeconds';
  if (config.reserveCents !== undefined && !isPositiveInt(config.reserveCents)) return 'reserveCents';
  const window = config.extendWindowSeconds;
  if (window !== undefined && !isNonNegativeInt(window)) return 'extendWindowSeconds';
  return undefined;
}

/** The initial state of a new auction, or `invalid_auction` naming the bad field. */
export function createAuction(
  config: AuctionConfig,
): { readonly ok: true; readonly value: AuctionState } | InvalidAuction {
  const field = invalidField(config);
  if (field !== undefined) {
    return refuse('invalid_auction', `${field} is not valid for an auction`, { field });
  }
  return {
    ok: true,
    value: { endsAt: config.startsAt + config.durationSeconds * 1000, bids: [], status: 'open' },
  };
}

/**
 * The highest bid; equal amounts go to the earlier bid (by `at`, then by position). With a
 * positive increment two accepted bids can never be equal, but a state loaded from elsewhere
 * (an import, a manual fix) must still settle correctly.
 */
function leader(bids: readonly Bid[]): Bid | undefined {
  let best: Bid | undefined;
  for (const b of bids) {
    if (!isPositiveInt(b.amountCents)) continue;
    if (!best || b.amountCents > best.amountCents || (b.amountCents === best.amountCents && b.at < best.at)) {
      best = b;
    }
  }
  return best;
}

const minimumAfter = (config: AuctionConfig, top: Bid | undefined) =>
  top ? top.amountCents + config.incrementCents : config.startCents;

export function minimumNextBid(config: AuctionConfig, state: AuctionState): number {
  return minimumAfter(config, leader(state.bids));
}

/** Milliseconds until the end (0 once over), for countdowns in server time. */
export function timeLeftMs(state: AuctionState, now: number): number {
  return state.status === 'closed' ? 0 : Math.max(0, state.endsAt - now);
}

export function isOver(state: AuctionState, now: number): boolean {
  return timeLeftMs(state, now) === 0;
}

/** Closes the auction: when its timer fires, or early when the host ends it at `at`. */
export function endAuction(state: AuctionState, at: number): AuctionState {
  return { ...state, status: 'closed', endsAt: Math.min(state.endsAt, at) };
}

/** What one bid is judged against; mutable inside a batch so a batch of n bids costs O(n). */
interface Book {
  endsAt: number;
  readonly status: AuctionStatus;
  top: Bid | undefined;
  readonly byId: Map<string, Bid>;
}

const bookOf = (state: AuctionState): Book => ({
  endsAt: state.endsAt,
  status: state.status,
  top: leader(state.bids),
  byId: new Map(state.bids.map((b) => [b.id, b])),
});

function refusalFor(config: AuctionConfig, book: Book, bid: Bid): BidRefusal | undefined {
  if (!isPositiveInt(bid.amountCents)) {
    return refuse('invalid_amount', 'A bid is a positive whole number of cents', {
      amountCents: bid.amountCents,
    });
  }
  if (bid.at < config.startsAt) {
    return refuse('auction_not_started', 'The auction has not started', { startsAt: config.startsAt });
  }
  if (book.status === 'closed' || bid.at >= book.endsAt) {
    return refuse('auction_ended', 'The auction has ended', { endsAt: book.endsAt });
  }
  // Bidding against yourself only raises your own price; Whatnot refuses it too.
  if (book.top?.bidderId === bid.bidderId) {
    return refuse('already_highest', 'You are already the highest bidder', {
      amountCents: book.top.amountCents,
    });
  }
  const minimumCents = minimumAfter(config, book.top);
  if (bid.amountCents < minimumCents) {
    return refuse('bid_too_low', `The minimum bid is ${minimumCents} cents`, { minimumCents });
  }
  return undefined;
}

/** Judges one bid and, when accepted, records it in the book. */
function judge(config: AuctionConfig, book: Book, input: Bid): BidOutcome {
  const prior = book.byId.get(input.id);
  // A retried request (same bid id) gets its first answer, even after the end.
  if (prior) return { ok: true, value: { bid: prior, endsAt: book.endsAt, extended: false, replay: true } };
  const bid: Bid = { id: input.id, bidderId: input.bidderId, amountCents: input.amountCents, at: input.at };
  const refusal = refusalFor(config, book, bid);
  if (refusal) return refusal;
  const windowMs = (config.extendWindowSeconds ?? DEFAULT_EXTEND_WINDOW_SECONDS) * 1000;
  // "Within the last window" is exactly when at + window passes the end; max() never shortens.
  const endsAt = config.suddenDeath ? book.endsAt : Math.max(book.endsAt, bid.at + windowMs);
  const extended = endsAt !== book.endsAt;
  book.endsAt = endsAt;
  book.top = bid;
  book.byId.set(bid.id, bid);
  return { ok: true, value: { bid, endsAt, extended, replay: false } };
}

/** Places one bid. Inputs are never mutated; an accepted bid comes with the new state. */
export function placeBid(config: AuctionConfig, state: AuctionState, bid: Bid): PlaceBidResult {
  const outcome = judge(config, bookOf(state), bid);
  if (!outcome.ok) return outcome;
  const next = outcome.value.replay
    ? state
    : { ...state, endsAt: outcome.value.endsAt, bids: [...state.bids, outcome.value.bid] };
  return { ok: true, value: { ...outcome.value, state: next } };
}

/** Places a batch of bids in order, each judged against the state the earlier ones left. */
export function placeBids(config: AuctionConfig, state: AuctionState, bids: readonly Bid[]): BatchResult {
  const book = bookOf(state);
  const accepted: Bid[] = [];
  const outcomes = bids.map((bid) => {
    const outcome = judge(config, book, bid);
    if (outcome.ok && !outcome.value.replay) accepted.push(outcome.value.bid);
    return outcome;
  });
  if (accepted.length === 0) return { outcomes, state };
  return { outcomes, state: { ...state, endsAt: book.endsAt, bids: [...state.bids, ...accepted] } };
}

const asWinner = (b: Bid): Winner => ({ bidderId: b.bidderId, amountCents: b.amountCents, bidId: b.id });

/**
 * The result of an auction that is over (check `isOver` first: this reads only the bids).
 * The runner-up is the best bid of another bidder, offered the item if the winner does not
 * pay; it is left out when it is below the reserve, as that offer would sell under it.
 */
export function settle(config: AuctionConfig, state: AuctionState): Settlement {
  const top = leader(state.bids);
  if (!top) return { outcome: 'no_bids' };
  const reserve = config.reserveCents ?? 0;
  if (top.amountCents < reserve) return { outcome: 'reserve_not_met', highestCents: top.amountCents };
  const second = leader(state.bids.filter((b) => b.bidderId !== top.bidderId));
  if (!second || second.amountCents < reserve) return { outcome: 'sold', winner: asWinner(top) };
  return { outcome: 'sold', winner: asWinner(top), runnerUp: asWinner(second) };
}
