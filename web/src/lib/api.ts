import { session } from './session.ts';
import { askStepUp, STEP_UP_HEADER } from './step-up.ts';
import type {
  Auction,
  AuctionBid,
  BidAccepted,
  ChatMessage,
  Faq,
  FollowState,
  Giveaway,
  GiveawayProof,
  Order,
  Party,
  PartyItem,
  PartyRecurrence,
  PartyState,
  Poll,
  PowChallenge,
  Problem,
  Product,
  QueueHostView,
  QueueStatus,
  Reservation,
  ReservationState,
  Sale,
  SaleStats,
  SavedPaymentMethod,
  Session,
  Shipping,
  Show,
  ShowStatus,
  Trending,
  User,
  Variant,
  WaitingRoomConfig,
  WaitlistEntry,
} from './types.ts';
import { admissionFor } from './waiting-room.ts';

/** A refusal from the API: the problem document, with its stable `code`. */
export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get code(): string {
    return this.problem.code;
  }
  get status(): number {
    return this.problem.status;
  }
}

/** The request never got an answer (offline, connection reset): safe to retry idempotent calls. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** Worth retrying with the same idempotency key: no answer, or the server was briefly unavailable. */
export const isRetriable = (e: unknown) =>
  e instanceof NetworkError || (e instanceof ApiError && e.code === 'unavailable');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Send the session's token (default true when there is one). */
  readonly auth?: boolean;
  /** Extra request headers (e.g. `flashmob-admission`). */
  readonly headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...o.headers, accept: 'application/json' };
  const token = o.auth === false ? undefined : session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new NetworkError(e);
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
    const problem: Problem = {
      ...p,
      title: p.title ?? res.statusText ?? 'Request failed',
      status: p.status ?? res.status,
      code: p.code ?? (res.status >= 500 ? 'unavailable' : 'unknown'),
    };
    if (problem.code === 'rate_limited' && problem.retryAfterSeconds === undefined) {
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after)) problem.retryAfterSeconds = after;
    }
    // A token the server no longer accepts (expired, secret rotated): sign out locally.
    if (token && problem.code === 'invalid_token') session.set(null);
    // A sensitive call (large order, refund, role change): a second factor, then the same call once more.
    if (problem.code === 'step_up_required' && !o.headers?.[STEP_UP_HEADER]) {
      const proof = await askStepUp(problem);
      if (proof)
        return request<T>(method, path, { ...o, headers: { ...o.headers, [STEP_UP_HEADER]: proof } });
    }
    throw new ApiError(problem);
  }
  return data as T;
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : '';
};

export interface NewProduct {
  title: string;
  description?: string;
  imageUrl?: string;
  hashtags?: string[];
  variants: Array<Pick<Variant, 'sku' | 'title' | 'priceCents' | 'currency'>>;
}

export interface ProductPatch {
  title?: string;
  description?: string;
  imageUrl?: string | null;
  hashtags?: string[];
  variants?: Array<{ sku: string; title?: string; priceCents?: number }>;
}

export interface NewSale {
  title: string;
  startsAt: string;
  endsAt: string;
  hashtags?: string[];
  holdSeconds?: number;
  waitingRoom?: Partial<WaitingRoomConfig> & Pick<WaitingRoomConfig, 'admitPerMinute' | 'maxActive'>;
  items: Array<{ sku: string; stock: number; priceCents?: number; perBuyerLimit: number }>;
}

export interface NewParty {
  title: string;
  description?: string;
  hashtags?: string[];
  recurrence: PartyRecurrence;
  durationMinutes: number;
  holdSeconds?: number;
  waitingRoom?: NewSale['waitingRoom'];
  items: PartyItem[];
  /** ISO dates: the first and last day it may run (default: from now, for good). */
  startsOn?: string;
  endsOn?: string;
}

export interface NewShow {
  title: string;
  startsAt: string;
  streamUrl?: string;
  hashtags?: string[];
  description?: string;
}

export interface ShowPatch {
  title?: string;
  description?: string;
  streamUrl?: string | null;
  commentToBuy?: boolean;
  keyword?: string;
  slowModeSeconds?: number;
  /** Replaces the show's list; `[]` clears it. */
  blockedWords?: string[];
}

export interface NewAuction {
  sku: string;
  startCents: number;
  incrementCents: number;
  durationSeconds: number;
  suddenDeath: boolean;
  reserveCents?: number;
  extendWindowSeconds?: number;
}

export type CheckoutPayment =
  | { method: 'card' | 'wallet' | 'bnpl'; token: string; save?: boolean }
  | { savedMethodId: string };

const partyPath = (id: string) => `/api/parties/${encodeURIComponent(id)}`;
const showPath = (id: string, rest = '') => `/api/shows/${encodeURIComponent(id)}${rest}`;
const hostPath = (id: string) => `/api/hosts/${encodeURIComponent(id)}/follow`;

/** Every endpoint the web app calls, typed. */
export const api = {
  register: (body: { email: string; password: string; name: string }) =>
    request<Session>('POST', '/api/auth/register', { body, auth: false }),
  login: (body: { email: string; password: string }) =>
    request<Session>('POST', '/api/auth/login', { body, auth: false }),
  guest: () => request<Session>('POST', '/api/auth/guest', { auth: false }),
  me: () => request<User>('GET', '/api/me'),
  time: () => request<{ serverTime: string; epochMs: number }>('GET', '/api/time', { auth: false }),

  sales: (
    params: { status?: string; tag?: string; host?: string; limit?: number } = {},
    signal?: AbortSignal,
  ) => request<Sale[]>('GET', `/api/sales${q(params)}`, signal ? { signal } : {}),
  sale: (id: string, signal?: AbortSignal) =>
    request<Sale>('GET', `/api/sales/${encodeURIComponent(id)}`, signal ? { signal } : {}),
  saleStats: (id: string) => request<SaleStats>('GET', `/api/sales/${encodeURIComponent(id)}/stats`),
  createSale: (body: NewSale) => request<Sale>('POST', '/api/sales', { body }),

  /**
   * A claim. When this buyer holds an unexpired admission from the sale's waiting room (stored
   * by the queue page, see lib/waiting-room.ts), it is sent as the `Flashmob-Admission` header.
   */
  claim: (saleId: string, body: { sku: string; quantity: number; idempotencyKey: string }) => {
    const admission = admissionFor(saleId);
    return request<{ reservation: Reservation }>('POST', `/api/sales/${encodeURIComponent(saleId)}/claims`, {
      body,
      ...(admission ? { headers: { 'flashmob-admission': admission.token } } : {}),
    });
  },
  reservations: (state?: ReservationState) =>
    request<Reservation[]>('GET', `/api/reservations${q({ state })}`),
  release: (id: string) =>
    request<{ reservation: Reservation }>('DELETE', `/api/reservations/${encodeURIComponent(id)}`),
  joinWaitlist: (saleId: string, body: { sku: string; quantity: number }) =>
    request<WaitlistEntry>('POST', `/api/sales/${encodeURIComponent(saleId)}/waitlist`, { body }),
  waitlist: () => request<WaitlistEntry[]>('GET', '/api/waitlist'),
  leaveWaitlist: (id: string) => request<WaitlistEntry>('DELETE', `/api/waitlist/${encodeURIComponent(id)}`),

  // The waiting room (buyers): a proof-of-work challenge, a ticket, its status, leaving.
  queueChallenge: (saleId: string, signal?: AbortSignal) =>
    request<PowChallenge>(
      'GET',
      `/api/sales/${encodeURIComponent(saleId)}/queue/challenge`,
      signal ? { signal } : {},
    ),
  joinQueue: (saleId: string, pow?: { challenge: string; solution: string }) =>
    request<QueueStatus>('POST', `/api/sales/${encodeURIComponent(saleId)}/queue`, {
      body: pow ? { pow } : {},
    }),
  queueStatus: (saleId: string, ticket: string, signal?: AbortSignal) =>
    request<QueueStatus>(
      'GET',
      `/api/sales/${encodeURIComponent(saleId)}/queue/${encodeURIComponent(ticket)}`,
      signal ? { signal } : {},
    ),
  leaveQueue: (saleId: string, ticket: string) =>
    request<QueueStatus>(
      'DELETE',
      `/api/sales/${encodeURIComponent(saleId)}/queue/${encodeURIComponent(ticket)}`,
    ),
  // The waiting room (its host): numbers, pause/resume, the admission rate.
  hostQueue: (saleId: string) =>
    request<QueueHostView>('GET', `/api/sales/${encodeURIComponent(saleId)}/queue`),
  updateQueue: (saleId: string, body: { admitPerMinute?: number; paused?: boolean }) =>
    request<QueueHostView>('PATCH', `/api/sales/${encodeURIComponent(saleId)}/queue`, { body }),

  checkout: (body: { reservationIds: string[]; payment: CheckoutPayment; shipping: Shipping }) =>
    request<Order>('POST', '/api/checkout', { body }),
  /** The sandbox bank's challenge page (3-D Secure): pass or fail it. */
  completeChallenge: (url: string, approve: boolean) =>
    request<{ status: string }>('POST', new URL(url, location.origin).pathname, {
      body: { approve },
      auth: false,
    }),
  orders: () => request<Order[]>('GET', '/api/orders'),
  order: (id: string) => request<Order>('GET', `/api/orders/${encodeURIComponent(id)}`),
  /** Cancel before it ships: the authorisation is voided (or the capture refunded), the stock returned. */
  cancelOrder: (id: string) =>
    request<Order>('POST', `/api/orders/${encodeURIComponent(id)}/cancel`, { body: {} }),
  paymentMethods: () => request<SavedPaymentMethod[]>('GET', '/api/payment-methods'),

  /** Pay an order that waits for its payment (an auction won, a runner-up offer). */
  payOrder: (id: string, body: { payment: CheckoutPayment; shipping: Shipping }) =>
    request<Order>('POST', `/api/orders/${encodeURIComponent(id)}/pay`, { body }),
  /** Where to send an order that has no address yet (a giveaway prize). */
  setShipping: (id: string, shipping: Shipping) =>
    request<Order>('PUT', `/api/orders/${encodeURIComponent(id)}/shipping`, { body: shipping }),

  // Parties (recurring sales): anyone lists them; their host starts, pauses, resumes and ends them.
  parties: (
    params: { state?: PartyState; host?: string; limit?: number; offset?: number } = {},
    signal?: AbortSignal,
  ) => request<Party[]>('GET', `/api/parties${q(params)}`, signal ? { signal } : {}),
  party: (id: string, signal?: AbortSignal) => request<Party>('GET', partyPath(id), signal ? { signal } : {}),
  createParty: (body: NewParty) => request<Party>('POST', '/api/parties', { body }),
  /** Pause (no more sales are created) or resume (catches up at once); 409 `party_ended`. */
  setPartyState: (id: string, state: 'active' | 'paused') =>
    request<Party>('PATCH', partyPath(id), { body: { state } }),
  /** End it for good; the sales it already created stay. */
  endParty: (id: string) => request<Party>('DELETE', partyPath(id)),

  // Live shows: the room (anyone), chat and reactions (signed in), the host's controls.
  shows: (
    params: { status?: 'upcoming' | ShowStatus; tag?: string; host?: string; limit?: number } = {},
    signal?: AbortSignal,
  ) => request<Show[]>('GET', `/api/shows${q(params)}`, signal ? { signal } : {}),
  show: (id: string, signal?: AbortSignal) =>
    request<Show>('GET', `/api/shows/${encodeURIComponent(id)}`, signal ? { signal } : {}),
  createShow: (body: NewShow) => request<Show>('POST', '/api/shows', { body }),
  updateShow: (id: string, body: ShowPatch) => request<Show>('PATCH', showPath(id), { body }),
  goLive: (id: string) => request<Show>('POST', showPath(id, '/live')),
  endShow: (id: string) => request<Show>('POST', showPath(id, '/end')),
  feature: (id: string, body: { sku: string; stock: number; priceCents: number; perBuyerLimit: number }) =>
    request<Show>('POST', showPath(id, '/feature'), { body }),
  unfeature: (id: string) => request<Show>('DELETE', showPath(id, '/feature')),
  pinAnnouncement: (id: string, text: string) =>
    request<Show>('POST', showPath(id, '/announcements'), { body: { text } }),
  unpinAnnouncement: (id: string) => request<Show>('DELETE', showPath(id, '/announcements')),
  chat: (id: string) => request<ChatMessage[]>('GET', showPath(id, '/chat')),
  sendChat: (id: string, text: string) =>
    request<ChatMessage>('POST', showPath(id, '/chat'), { body: { text } }),
  deleteChat: (id: string, messageId: string) =>
    request<null>('DELETE', showPath(id, `/chat/${encodeURIComponent(messageId)}`)),
  moderate: (
    id: string,
    body: { userId: string; action: 'mute' | 'ban' | 'unmute' | 'unban'; minutes?: number },
  ) => request<null>('POST', showPath(id, '/moderation'), { body }),
  react: (id: string, type: string, count: number) =>
    request<{ accepted: boolean }>('POST', showPath(id, '/reactions'), { body: { type, count } }),
  openPoll: (id: string, body: { question: string; options: string[] }) =>
    request<Poll>('POST', showPath(id, '/polls'), { body }),
  vote: (pollId: string, option: number) =>
    request<Poll>('POST', `/api/polls/${encodeURIComponent(pollId)}/votes`, { body: { option } }),
  closePoll: (pollId: string) => request<Poll>('POST', `/api/polls/${encodeURIComponent(pollId)}/close`),
  openGiveaway: (id: string, body: { sku: string; durationSeconds: number }) =>
    request<Giveaway>('POST', showPath(id, '/giveaways'), { body }),
  enterGiveaway: (giveawayId: string) =>
    request<{ entered: boolean; alreadyEntered: boolean; giveaway: Giveaway }>(
      'POST',
      `/api/giveaways/${encodeURIComponent(giveawayId)}/entries`,
    ),
  giveawayProof: (giveawayId: string, signal?: AbortSignal) =>
    request<GiveawayProof>('GET', `/api/giveaways/${encodeURIComponent(giveawayId)}/proof`, {
      ...(signal ? { signal } : {}),
    }),
  drawGiveaway: (giveawayId: string) =>
    request<Giveaway>('POST', `/api/giveaways/${encodeURIComponent(giveawayId)}/draw`),
  faqs: (id: string) => request<Faq[]>('GET', showPath(id, '/faqs')),
  addFaq: (id: string, body: { question: string; answer: string }) =>
    request<Faq>('POST', showPath(id, '/faqs'), { body }),
  markAnswered: (id: string, questionId: string) =>
    request<unknown>('POST', showPath(id, `/questions/${encodeURIComponent(questionId)}/answered`)),
  followState: (hostId: string) => request<FollowState>('GET', hostPath(hostId)),
  follow: (hostId: string) => request<FollowState>('POST', hostPath(hostId)),
  unfollow: (hostId: string) => request<FollowState>('DELETE', hostPath(hostId)),

  // Live auctions.
  startAuction: (showId: string, body: NewAuction) =>
    request<Auction>('POST', showPath(showId, '/auctions'), { body }),
  auction: (id: string) => request<Auction>('GET', `/api/auctions/${encodeURIComponent(id)}`),
  auctionBids: (id: string) => request<AuctionBid[]>('GET', `/api/auctions/${encodeURIComponent(id)}/bids`),
  bid: (id: string, body: { amountCents: number; idempotencyKey: string }) =>
    request<BidAccepted>('POST', `/api/auctions/${encodeURIComponent(id)}/bids`, { body }),

  /** What is hot now: sales, shows and hashtags by heat (one answer serves every caller for 2 s). */
  trending: (params: { limit?: number } = {}, signal?: AbortSignal) =>
    request<Trending>('GET', `/api/trending${q(params)}`, signal ? { signal } : {}),

  products: (params: { host?: string; tag?: string; limit?: number } = {}) =>
    request<Product[]>('GET', `/api/products${q(params)}`),
  createProduct: (body: NewProduct) => request<Product>('POST', '/api/products', { body }),
  updateProduct: (id: string, body: ProductPatch) =>
    request<Product>('PATCH', `/api/products/${encodeURIComponent(id)}`, { body }),
};

/** A v4 UUID, also outside secure contexts (plain http on a LAN address has no randomUUID). */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
