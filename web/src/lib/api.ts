import { call } from './http.ts';
import type { ApiBody, ApiQuery, ReservationState, Shipping } from './types.ts';
import { admissionFor } from './waiting-room.ts';

export {
  ApiError,
  type CallOptions,
  call,
  isRetriable,
  NetworkError,
  type RequestOptions,
  request,
  sleep,
} from './http.ts';

// Request bodies, as the contract (docs/openapi.json) describes them.
export type NewProduct = ApiBody<'/api/products', 'post'>;
export type ProductPatch = ApiBody<'/api/products/{id}', 'patch'>;
export type NewSale = ApiBody<'/api/sales', 'post'>;
export type NewParty = ApiBody<'/api/parties', 'post'>;
export type NewShow = ApiBody<'/api/shows', 'post'>;
export type ShowPatch = ApiBody<'/api/shows/{id}', 'patch'>;
export type NewAuction = ApiBody<'/api/shows/{id}/auctions', 'post'>;
type Reaction = ApiBody<'/api/shows/{id}/reactions', 'post'>['type'];
export type CheckoutPayment = ApiBody<'/api/checkout', 'post'>['payment'];

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});
const id = (value: string) => ({ path: { id: value } });

/** Every endpoint the web app calls, typed by the contract (api-schema.d.ts, generated). */
export const api = {
  register: (body: { email: string; password: string; name: string }) =>
    call('post', '/api/auth/register', { body, auth: false }),
  login: (body: { email: string; password: string }) =>
    call('post', '/api/auth/login', { body, auth: false }),
  guest: () => call('post', '/api/auth/guest', { auth: false }),
  me: () => call('get', '/api/me'),
  time: () => call('get', '/api/time', { auth: false }),

  sales: (query: ApiQuery<'/api/sales', 'get'> = {}, signal?: AbortSignal) =>
    call('get', '/api/sales', { query, ...opt(signal) }),
  sale: (saleId: string, signal?: AbortSignal) =>
    call('get', '/api/sales/{id}', { ...id(saleId), ...opt(signal) }),
  saleStats: (saleId: string) => call('get', '/api/sales/{id}/stats', id(saleId)),
  createSale: (body: NewSale) => call('post', '/api/sales', { body }),

  /**
   * A claim. When this buyer holds an unexpired admission from the sale's waiting room (stored
   * by the queue page, see lib/waiting-room.ts), it is sent as the `Flashmob-Admission` header.
   */
  claim: (saleId: string, body: { sku: string; quantity: number; idempotencyKey: string }) => {
    const admission = admissionFor(saleId);
    return call('post', '/api/sales/{id}/claims', {
      ...id(saleId),
      body,
      ...(admission ? { headers: { 'flashmob-admission': admission.token } } : {}),
    });
  },
  reservations: (state?: ReservationState) => call('get', '/api/reservations', { query: { state } }),
  release: (reservationId: string) => call('delete', '/api/reservations/{id}', id(reservationId)),
  joinWaitlist: (saleId: string, body: { sku: string; quantity: number }) =>
    call('post', '/api/sales/{id}/waitlist', { ...id(saleId), body }),
  waitlist: () => call('get', '/api/waitlist'),
  leaveWaitlist: (entryId: string) => call('delete', '/api/waitlist/{id}', id(entryId)),

  // The waiting room (buyers): a proof-of-work challenge, a ticket, its status, leaving.
  queueChallenge: (saleId: string, signal?: AbortSignal) =>
    call('get', '/api/sales/{id}/queue/challenge', { ...id(saleId), ...opt(signal) }),
  joinQueue: (saleId: string, pow?: { challenge: string; solution: string }) =>
    call('post', '/api/sales/{id}/queue', { ...id(saleId), body: pow ? { pow } : {} }),
  queueStatus: (saleId: string, ticket: string, signal?: AbortSignal) =>
    call('get', '/api/sales/{id}/queue/{ticket}', { path: { id: saleId, ticket }, ...opt(signal) }),
  leaveQueue: (saleId: string, ticket: string) =>
    call('delete', '/api/sales/{id}/queue/{ticket}', { path: { id: saleId, ticket } }),
  // The waiting room (its host): numbers, pause/resume, the admission rate.
  hostQueue: (saleId: string) => call('get', '/api/sales/{id}/queue', id(saleId)),
  updateQueue: (saleId: string, body: { admitPerMinute?: number; paused?: boolean }) =>
    call('patch', '/api/sales/{id}/queue', { ...id(saleId), body }),

  checkout: (body: { reservationIds: string[]; payment: CheckoutPayment; shipping: Shipping }) =>
    call('post', '/api/checkout', { body }),
  /** The sandbox bank's challenge page (3-D Secure): pass or fail it. */
  completeChallenge: (url: string, approve: boolean) => {
    const ref = new URL(url, location.origin).pathname.split('/').pop() ?? '';
    return call('post', '/api/payments/sandbox/challenges/{ref}', {
      path: { ref },
      body: { approve },
      auth: false,
    });
  },
  orders: () => call('get', '/api/orders'),
  order: (orderId: string) => call('get', '/api/orders/{id}', id(orderId)),
  /** Cancel before it ships: the authorisation is voided (or the capture refunded), the stock returned. */
  cancelOrder: (orderId: string) => call('post', '/api/orders/{id}/cancel', { ...id(orderId), body: {} }),
  paymentMethods: () => call('get', '/api/payment-methods'),

  /** Pay an order that waits for its payment (an auction won, a runner-up offer). */
  payOrder: (orderId: string, body: { payment: CheckoutPayment; shipping: Shipping }) =>
    call('post', '/api/orders/{id}/pay', { ...id(orderId), body }),
  /** Where to send an order that has no address yet (a giveaway prize). */
  setShipping: (orderId: string, shipping: Shipping) =>
    call('put', '/api/orders/{id}/shipping', { ...id(orderId), body: shipping }),

  // Parties (recurring sales): anyone lists them; their host starts, pauses, resumes and ends them.
  parties: (query: ApiQuery<'/api/parties', 'get'> = {}, signal?: AbortSignal) =>
    call('get', '/api/parties', { query, ...opt(signal) }),
  party: (partyId: string, signal?: AbortSignal) =>
    call('get', '/api/parties/{id}', { ...id(partyId), ...opt(signal) }),
  createParty: (body: NewParty) => call('post', '/api/parties', { body }),
  /** Pause (no more sales are created) or resume (catches up at once); 409 `party_ended`. */
  setPartyState: (partyId: string, state: 'active' | 'paused') =>
    call('patch', '/api/parties/{id}', { ...id(partyId), body: { state } }),
  /** End it for good; the sales it already created stay. */
  endParty: (partyId: string) => call('delete', '/api/parties/{id}', id(partyId)),

  // Live shows: the room (anyone), chat and reactions (signed in), the host's controls.
  shows: (query: ApiQuery<'/api/shows', 'get'> = {}, signal?: AbortSignal) =>
    call('get', '/api/shows', { query, ...opt(signal) }),
  show: (showId: string, signal?: AbortSignal) =>
    call('get', '/api/shows/{id}', { ...id(showId), ...opt(signal) }),
  createShow: (body: NewShow) => call('post', '/api/shows', { body }),
  updateShow: (showId: string, body: ShowPatch) => call('patch', '/api/shows/{id}', { ...id(showId), body }),
  goLive: (showId: string) => call('post', '/api/shows/{id}/live', id(showId)),
  endShow: (showId: string) => call('post', '/api/shows/{id}/end', id(showId)),
  feature: (
    showId: string,
    body: { sku: string; stock: number; priceCents: number; perBuyerLimit: number },
  ) => call('post', '/api/shows/{id}/feature', { ...id(showId), body }),
  unfeature: (showId: string) => call('delete', '/api/shows/{id}/feature', id(showId)),
  pinAnnouncement: (showId: string, text: string) =>
    call('post', '/api/shows/{id}/announcements', { ...id(showId), body: { text } }),
  unpinAnnouncement: (showId: string) => call('delete', '/api/shows/{id}/announcements', id(showId)),
  chat: (showId: string) => call('get', '/api/shows/{id}/chat', id(showId)),
  sendChat: (showId: string, text: string) =>
    call('post', '/api/shows/{id}/chat', { ...id(showId), body: { text } }),
  deleteChat: (showId: string, messageId: string) =>
    call('delete', '/api/shows/{id}/chat/{messageId}', { path: { id: showId, messageId } }),
  moderate: (showId: string, body: ApiBody<'/api/shows/{id}/moderation', 'post'>) =>
    call('post', '/api/shows/{id}/moderation', { ...id(showId), body }),
  /** `type`: one of the reactions the room state lists (an unknown one is a 400). */
  react: (showId: string, type: string, count: number) =>
    call('post', '/api/shows/{id}/reactions', { ...id(showId), body: { type: type as Reaction, count } }),
  openPoll: (showId: string, body: { question: string; options: string[] }) =>
    call('post', '/api/shows/{id}/polls', { ...id(showId), body }),
  vote: (pollId: string, option: number) =>
    call('post', '/api/polls/{id}/votes', { ...id(pollId), body: { option } }),
  closePoll: (pollId: string) => call('post', '/api/polls/{id}/close', id(pollId)),
  openGiveaway: (showId: string, body: { sku: string; durationSeconds: number }) =>
    call('post', '/api/shows/{id}/giveaways', { ...id(showId), body }),
  enterGiveaway: (giveawayId: string) => call('post', '/api/giveaways/{id}/entries', id(giveawayId)),
  giveawayProof: (giveawayId: string, signal?: AbortSignal) =>
    call('get', '/api/giveaways/{id}/proof', { ...id(giveawayId), ...opt(signal) }),
  drawGiveaway: (giveawayId: string) => call('post', '/api/giveaways/{id}/draw', id(giveawayId)),
  faqs: (showId: string) => call('get', '/api/shows/{id}/faqs', id(showId)),
  addFaq: (showId: string, body: { question: string; answer: string }) =>
    call('post', '/api/shows/{id}/faqs', { ...id(showId), body }),
  markAnswered: (showId: string, questionId: string) =>
    call('post', '/api/shows/{id}/questions/{questionId}/answered', { path: { id: showId, questionId } }),
  followState: (hostId: string) => call('get', '/api/hosts/{id}/follow', id(hostId)),
  follow: (hostId: string) => call('post', '/api/hosts/{id}/follow', id(hostId)),
  unfollow: (hostId: string) => call('delete', '/api/hosts/{id}/follow', id(hostId)),

  // Live auctions.
  startAuction: (showId: string, body: NewAuction) =>
    call('post', '/api/shows/{id}/auctions', { ...id(showId), body }),
  auction: (auctionId: string) => call('get', '/api/auctions/{id}', id(auctionId)),
  auctionBids: (auctionId: string) => call('get', '/api/auctions/{id}/bids', id(auctionId)),
  bid: (auctionId: string, body: { amountCents: number; idempotencyKey: string }) =>
    call('post', '/api/auctions/{id}/bids', { ...id(auctionId), body }),

  /** What is hot now: sales, shows and hashtags by heat (one answer serves every caller for 2 s). */
  trending: (query: ApiQuery<'/api/trending', 'get'> = {}, signal?: AbortSignal) =>
    call('get', '/api/trending', { query, ...opt(signal) }),

  products: (query: ApiQuery<'/api/products', 'get'> = {}) => call('get', '/api/products', { query }),
  createProduct: (body: NewProduct) => call('post', '/api/products', { body }),
  updateProduct: (productId: string, body: ProductPatch) =>
    call('patch', '/api/products/{id}', { ...id(productId), body }),
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
