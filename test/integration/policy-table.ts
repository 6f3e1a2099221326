import { uniq } from '../factories/index.ts';
import type { RoleName, World } from '../factories/world.ts';
import { stepUpHeaders } from '../helpers/step-up.ts';
import { SECOND_FACTOR_ROWS } from './policy-table-mfa.ts';

/**
 * Every HTTP route, with who may act on whose resource. A route missing here fails the test, so
 * a new route cannot ship without its row. `owners`: the roles (among those that pass the route's
 * role floor) that the policy lets through; the others get `refusal` (403 forbidden, or 404 where
 * the resource's existence must not leak). Without `owners`, everyone past the floor may.
 * `call` makes the request for one role; it may make a fresh resource for a call that changes it.
 */
export interface PolicyRow {
  readonly owners?: readonly RoleName[];
  readonly refusal?: 403 | 404;
  /** The route answers these statuses to everyone whatever the role (e.g. a signature check). */
  readonly always?: number;
  /** Statuses that still mean "let through" for the roles that may (e.g. a wrong current password). */
  readonly passes?: readonly number[];
  readonly call: (w: World, role: RoleName) => Promise<Call> | Call;
}

/** A request: its URL, body and extra headers (e.g. a step-up proof). */
export interface Call {
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const HOSTS: RoleName[] = ['host', 'admin'];
const MODERATORS: RoleName[] = ['mod', 'host', 'admin'];
const BUYER: RoleName[] = ['buyer'];
const url = (u: string, body?: unknown) => ({ url: u, ...(body === undefined ? {} : { body }) });
/** A step-up proof for the admin (the only role past the floor of the routes that need one). */
const adminStepUp = async (w: World, call: Call): Promise<Call> => ({
  ...call,
  headers: await stepUpHeaders(w.t, w.actors.admin.id),
});

export const POLICY_TABLE: Record<string, PolicyRow> = {
  'GET /healthz': { call: () => url('/healthz') },
  'GET /readyz': { call: () => url('/readyz') },
  'GET /api/time': { call: () => url('/api/time') },
  'GET /metrics': { call: () => url('/metrics') },
  'POST /api/auth/register': {
    call: () =>
      url('/api/auth/register', { email: `${uniq('r')}@x.dev`, password: 'password123', name: 'R' }),
  },
  // Reachable by anyone; the made-up credentials are refused as such, whoever sends them.
  'POST /api/auth/login': {
    always: 401,
    call: () => url('/api/auth/login', { email: 'nobody@x.dev', password: 'password123' }),
  },
  'POST /api/auth/guest': { call: () => url('/api/auth/guest') },
  'GET /api/me': { call: () => url('/api/me') },
  // Every account but a guest (no password to change); the made-up current password is refused as such.
  'POST /api/me/password': {
    owners: ['buyer', 'otherBuyer', 'mod', 'host', 'otherHost', 'admin'],
    refusal: 403,
    passes: [401],
    call: () =>
      url('/api/me/password', { currentPassword: 'wrong-password-1', newPassword: 'new-password-123' }),
  },
  'GET /api/admin/audit': { call: () => url('/api/admin/audit') },
  'PATCH /api/users/:id': {
    call: (w) => adminStepUp(w, url(`/api/users/${w.actors.otherBuyer.id}`, { role: 'buyer' })),
  },
  ...SECOND_FACTOR_ROWS,
  'POST /api/products': {
    call: () =>
      url('/api/products', {
        title: 'P',
        variants: [{ sku: uniq('P-'), title: 'v', priceCents: 100, currency: 'USD' }],
      }),
  },
  'GET /api/products': { call: () => url('/api/products') },
  'GET /api/products/:id': { call: (w) => url(`/api/products/${w.productId}`) },
  'PATCH /api/products/:id': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/products/${w.productId}`, { title: 'Renamed' }),
  },
  'POST /api/sales': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => {
      const now = w.t.fm.clock.now();
      return url('/api/sales', {
        title: 'S',
        startsAt: new Date(now + 60_000).toISOString(),
        endsAt: new Date(now + 120_000).toISOString(),
        items: [{ sku: w.sku, stock: 1, perBuyerLimit: 1 }],
      });
    },
  },
  'GET /api/sales': { call: () => url('/api/sales') },
  'GET /api/sales/:id': { call: (w) => url(`/api/sales/${w.saleId}`) },
  'POST /api/parties': {
    owners: HOSTS,
    refusal: 403,
    call: (w) =>
      url('/api/parties', {
        title: 'Party',
        recurrence: { frequency: 'daily', time: '21:00', timeZone: 'UTC' },
        durationMinutes: 30,
        items: [{ sku: w.sku, stock: 1, perBuyerLimit: 1 }],
      }),
  },
  'GET /api/parties': { call: () => url('/api/parties') },
  'GET /api/parties/:id': { call: (w) => url(`/api/parties/${w.partyId}`) },
  'PATCH /api/parties/:id': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/parties/${w.partyId}`, { state: 'paused' }),
  },
  'DELETE /api/parties/:id': {
    owners: HOSTS,
    refusal: 403,
    call: async (w, role) => url(`/api/parties/${HOSTS.includes(role) ? await w.fresh.party() : w.partyId}`),
  },
  'GET /api/trending': { call: () => url('/api/trending') },
  'POST /api/sales/:id/claims': {
    call: (w) => url(`/api/sales/${w.saleId}/claims`, { sku: w.sku, quantity: 1, idempotencyKey: uniq('k') }),
  },
  'GET /api/reservations': { call: () => url('/api/reservations') },
  'DELETE /api/reservations/:id': {
    owners: BUYER,
    refusal: 404,
    call: async (w) => url(`/api/reservations/${await w.fresh.hold()}`),
  },
  'POST /api/sales/:id/waitlist': {
    call: (w) => url(`/api/sales/${w.soldOutSaleId}/waitlist`, { sku: 'NOPE', quantity: 1 }),
  },
  'GET /api/waitlist': { call: () => url('/api/waitlist') },
  'DELETE /api/waitlist/:id': {
    owners: BUYER,
    refusal: 404,
    call: (w) => url(`/api/waitlist/${w.waitlistId}`),
  },
  'GET /api/sales/:id/queue/challenge': { call: (w) => url(`/api/sales/${w.roomSaleId}/queue/challenge`) },
  'GET /api/sales/:id/queue/draw': { call: (w) => url(`/api/sales/${w.roomSaleId}/queue/draw`) },
  'POST /api/sales/:id/queue': { call: (w) => url(`/api/sales/${w.roomSaleId}/queue`) },
  'GET /api/sales/:id/queue': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/sales/${w.roomSaleId}/queue`),
  },
  'PATCH /api/sales/:id/queue': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/sales/${w.roomSaleId}/queue`, { paused: false }),
  },
  'GET /api/sales/:id/queue/:ticket': {
    owners: BUYER,
    refusal: 404,
    call: (w) => url(`/api/sales/${w.roomSaleId}/queue/${w.ticket}`),
  },
  'DELETE /api/sales/:id/queue/:ticket': {
    owners: BUYER,
    refusal: 404,
    call: (w) => url(`/api/sales/${w.roomSaleId}/queue/${w.ticket}`),
  },
  'POST /api/shows': {
    call: (w) =>
      url('/api/shows', { title: 'New', startsAt: new Date(w.t.fm.clock.now() + 60_000).toISOString() }),
  },
  'GET /api/shows': { call: () => url('/api/shows') },
  'GET /api/shows/:id': { call: (w) => url(`/api/shows/${w.showId}`) },
  'PATCH /api/shows/:id': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}`, { title: 'T' }),
  },
  'POST /api/shows/:id/live': {
    owners: HOSTS,
    refusal: 403,
    call: async (w) => url(`/api/shows/${await w.fresh.show(false)}/live`),
  },
  'POST /api/shows/:id/end': {
    owners: HOSTS,
    refusal: 403,
    call: async (w, role) => url(`/api/shows/${HOSTS.includes(role) ? await w.fresh.show() : w.showId}/end`),
  },
  'POST /api/shows/:id/feature': {
    owners: HOSTS,
    refusal: 403,
    call: (w) =>
      url(`/api/shows/${w.showId}/feature`, { sku: w.sku, stock: 1, priceCents: 500, perBuyerLimit: 1 }),
  },
  'DELETE /api/shows/:id/feature': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/feature`),
  },
  'POST /api/shows/:id/announcements': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/announcements`, { text: 'Welcome' }),
  },
  'DELETE /api/shows/:id/announcements': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/announcements`),
  },
  'POST /api/shows/:id/moderators': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/moderators`, { userId: w.actors.mod.id }),
  },
  'POST /api/hosts/:id/follow': { call: (w) => url(`/api/hosts/${w.actors.otherHost.id}/follow`) },
  'GET /api/hosts/:id/follow': { call: (w) => url(`/api/hosts/${w.actors.otherHost.id}/follow`) },
  'DELETE /api/hosts/:id/follow': { call: (w) => url(`/api/hosts/${w.actors.otherHost.id}/follow`) },
  'GET /api/hosts/:id/followers': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/hosts/${w.actors.host.id}/followers`),
  },
  'GET /api/shows/:id/chat': { call: (w) => url(`/api/shows/${w.showId}/chat`) },
  'POST /api/shows/:id/chat': { call: (w) => url(`/api/shows/${w.showId}/chat`, { text: uniq('hi ') }) },
  'DELETE /api/shows/:id/chat/:messageId': {
    owners: MODERATORS,
    refusal: 403,
    call: async (w) => url(`/api/shows/${w.showId}/chat/${await w.fresh.chatLine()}`),
  },
  'POST /api/shows/:id/moderation': {
    owners: MODERATORS,
    refusal: 403,
    call: (w) =>
      url(`/api/shows/${w.showId}/moderation`, { userId: w.actors.otherBuyer.id, action: 'unmute' }),
  },
  'POST /api/shows/:id/reactions': {
    call: (w) => url(`/api/shows/${w.showId}/reactions`, { type: 'heart' }),
  },
  'POST /api/shows/:id/polls': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/polls`, { question: 'Q?', options: ['x', 'y'] }),
  },
  'POST /api/polls/:id/votes': { call: (w) => url(`/api/polls/${w.pollId}/votes`, { option: 0 }) },
  'POST /api/polls/:id/close': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/polls/${w.pollId}/close`),
  },
  'GET /api/polls/:id': { call: (w) => url(`/api/polls/${w.pollId}`) },
  'POST /api/shows/:id/giveaways': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/giveaways`, { sku: w.sku, durationSeconds: 60 }),
  },
  'POST /api/giveaways/:id/entries': { call: (w) => url(`/api/giveaways/${w.giveawayId}/entries`) },
  'POST /api/giveaways/:id/draw': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/giveaways/${w.giveawayId}/draw`),
  },
  'GET /api/giveaways/:id/proof': { call: (w) => url(`/api/giveaways/${w.giveawayId}/proof`) },
  'POST /api/shows/:id/faqs': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/faqs`, { question: 'Ships?', answer: 'Yes' }),
  },
  'GET /api/shows/:id/faqs': { call: (w) => url(`/api/shows/${w.showId}/faqs`) },
  'GET /api/shows/:id/questions': {
    owners: MODERATORS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/questions`),
  },
  'POST /api/shows/:id/questions/:questionId/answered': {
    owners: MODERATORS,
    refusal: 403,
    call: (w) => url(`/api/shows/${w.showId}/questions/qst_${'0'.repeat(16)}/answered`),
  },
  'POST /api/shows/:id/auctions': {
    owners: HOSTS,
    refusal: 403,
    call: (w) =>
      url(`/api/shows/${w.showId}/auctions`, {
        sku: w.sku,
        startCents: 100,
        incrementCents: 100,
        durationSeconds: 60,
        suddenDeath: true,
      }),
  },
  'GET /api/auctions/:id': { call: (w) => url(`/api/auctions/${w.auctionId}`) },
  'GET /api/auctions/:id/bids': { call: (w) => url(`/api/auctions/${w.auctionId}/bids`) },
  'POST /api/auctions/:id/bids': {
    // Everyone but the show's own host (own_auction): no shill bidding, even by an admin's rules.
    owners: ['guest', 'buyer', 'otherBuyer', 'mod', 'otherHost', 'admin'],
    refusal: 403,
    call: (w) => url(`/api/auctions/${w.auctionId}/bids`, { amountCents: 1 }),
  },
  'POST /api/checkout': {
    call: () =>
      url('/api/checkout', {
        reservationIds: [`res_${'0'.repeat(16)}`],
        payment: { method: 'card', token: 'tok_visa' },
        shipping: { name: 'A', line1: '1 St', city: 'C', postalCode: '1', country: 'US', email: 'a@b.dev' },
      }),
  },
  'POST /api/orders/:id/pay': {
    owners: BUYER,
    refusal: 404,
    call: async (w) =>
      url(`/api/orders/${await w.fresh.order()}/pay`, {
        payment: { method: 'card', token: 'tok_visa' },
        shipping: { name: 'A', line1: '1 St', city: 'C', postalCode: '1', country: 'US', email: 'a@b.dev' },
      }),
  },
  'PUT /api/orders/:id/shipping': {
    owners: BUYER,
    refusal: 404,
    call: async (w) =>
      url(`/api/orders/${await w.fresh.order()}/shipping`, {
        name: 'A',
        line1: '1 St',
        city: 'C',
        postalCode: '1',
        country: 'US',
      }),
  },
  'GET /api/orders': { call: () => url('/api/orders') },
  'GET /api/orders/:id': {
    owners: ['buyer', 'host', 'admin'],
    refusal: 404,
    call: async (w) => url(`/api/orders/${await w.fresh.order()}`),
  },
  'POST /api/orders/:id/cancel': {
    owners: ['buyer', 'host', 'admin'],
    refusal: 404,
    call: async (w) => url(`/api/orders/${await w.fresh.order()}/cancel`, { reason: 'requested' }),
  },
  'POST /api/orders/:id/refund': {
    call: async (w) => adminStepUp(w, url(`/api/orders/${await w.fresh.order()}/refund`, {})),
  },
  'POST /api/orders/:id/review': {
    call: async (w) => url(`/api/orders/${await w.fresh.order()}/review`, { decision: 'accept' }),
  },
  'POST /api/orders/:id/fulfilment': {
    owners: HOSTS,
    refusal: 404,
    call: async (w) => url(`/api/orders/${await w.fresh.order()}/fulfilment`, { action: 'deliver' }),
  },
  'GET /api/orders/:id/fraud': { call: async (w) => url(`/api/orders/${await w.fresh.order()}/fraud`) },
  'GET /api/payment-methods': { call: () => url('/api/payment-methods') },
  'POST /api/payments/sandbox/challenges/:ref': {
    call: () => url(`/api/payments/sandbox/challenges/ch_${'0'.repeat(16)}`, { approve: true }),
  },
  'GET /api/sales/:id/stats': {
    owners: HOSTS,
    refusal: 403,
    call: (w) => url(`/api/sales/${w.saleId}/stats`),
  },
  // The provider's signed webhook: no bearer token, a signature; unsigned is 401 for everyone.
  'POST /api/payments/webhook': { always: 401, call: () => url('/api/payments/webhook', { id: 'x' }) },
};
