/**
 * Who may do what to whom: every ownership and membership rule of Flashmob, in one place and
 * pure. A rule takes the actor and the facts about the resource (gathered by the module that owns
 * it) and returns a decision; `modules/policy` turns a refusal into the HTTP problem. A route's
 * role floor (`config.access`) is decided here too (`allowsAccess`), so the whole answer to "may
 * this caller do this" is read in one file and walked by one table-driven test
 * (test/integration/policy-matrix.test.ts).
 */

export const ROLES = ['buyer', 'host', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: decoded from a verified JWT (the auth module issues and verifies them). */
export interface Principal {
  readonly id: string;
  readonly role: Role;
  readonly guest: boolean;
}

export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly guest?: boolean;
}

/** The codes a refusal carries; each is in the error catalogue (platform/errors.ts). */
export type DenyCode =
  | 'forbidden'
  | 'not_found'
  | 'unauthenticated'
  | 'own_auction'
  | 'banned'
  | 'self_change_forbidden'
  | 'step_up_required';
export type Decision =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: DenyCode;
      readonly message: string;
      /** Facts the client acts on (e.g. `enrol: true` when a second factor must be added first). */
      readonly extra?: Record<string, unknown>;
    };

/** How a route is reached; see platform/http/access.ts. */
export type Access = 'public' | 'optional' | 'user' | 'host' | 'admin';

/** A show as the policy sees it. */
export interface ShowFacts {
  readonly id: string;
  readonly hostId: string;
  readonly moderatorIds: readonly string[];
}

/** An order as the policy sees it: its buyer and the host of each of its lines. */
export interface OrderFacts {
  readonly buyerId: string;
  readonly sellerIds: readonly string[];
}

/** Who is the target of a moderation action, as far as rank goes. */
export interface TargetFacts {
  readonly id: string;
  readonly role: Role | undefined;
}

const RANK: Record<Role, number> = { buyer: 0, host: 1, admin: 2 };
const ALLOW: Decision = { ok: true };
const deny = (code: DenyCode, message: string, extra?: Record<string, unknown>): Decision => ({
  ok: false,
  code,
  message,
  ...(extra ? { extra } : {}),
});

/** Admin can do all a host can; a host all a buyer can. */
export const hasRole = (actor: Actor, role: Role): boolean => RANK[actor.role] >= RANK[role];
const isAdmin = (actor: Actor) => actor.role === 'admin';

/** The role floor of a route. `public`/`optional` let anybody in; the rest need a caller. */
export function allowsAccess(actor: Actor | undefined, access: Access): Decision {
  if (access === 'public' || access === 'optional') return ALLOW;
  if (!actor) return deny('unauthenticated', 'Sign in first: send Authorization: Bearer <token>');
  if (access === 'user') return ALLOW;
  return hasRole(actor, access) ? ALLOW : deny('forbidden', `This needs the ${access} role`);
}

/** A product, sale or party: its host, or an admin. */
export function manage(actor: Actor, ownerId: string, what = 'this'): Decision {
  return isAdmin(actor) || actor.id === ownerId
    ? ALLOW
    : deny('forbidden', `Only the host who owns ${what} can do that`);
}

/** Putting a SKU on sale (a sale or party item): the SKU's own host, or an admin. */
export function sellSku(actor: Actor, sku: { sku: string; hostId: string }): Decision {
  return isAdmin(actor) || actor.id === sku.hostId
    ? ALLOW
    : deny('forbidden', `SKU ${sku.sku} belongs to another host`);
}

/** Running a show (go live, end, feature, polls, giveaways, auctions): its host, or an admin. */
export const manageShow = (actor: Actor, show: ShowFacts): Decision =>
  manage(actor, show.hostId, 'this show');

/** The host, a moderator of this show, or an admin. */
export function moderateShow(actor: Actor, show: ShowFacts): Decision {
  return isAdmin(actor) || actor.id === show.hostId || show.moderatorIds.includes(actor.id)
    ? ALLOW
    : deny('forbidden', 'Only the host or a moderator of this show can do that');
}

/**
 * Muting or banning someone (and lifting it). A moderator acts only inside the shows they
 * moderate and never on another moderator, the host or an admin; nobody acts on themselves (a
 * banned moderator cannot lift their own ban); the show's host is never muted or banned.
 */
export function moderateUser(actor: Actor, show: ShowFacts, target: TargetFacts): Decision {
  const may = moderateShow(actor, show);
  if (!may.ok) return may;
  if (target.id === actor.id) return deny('forbidden', 'Nobody can mute, ban or lift that of themselves');
  if (target.id === show.hostId) return deny('forbidden', 'The host cannot be muted or banned');
  if (target.role === 'admin' && !isAdmin(actor))
    return deny('forbidden', 'An admin cannot be muted or banned');
  const actorOutranks = isAdmin(actor) || actor.id === show.hostId;
  if (!actorOutranks && show.moderatorIds.includes(target.id))
    return deny('forbidden', 'A moderator cannot act on another moderator');
  return ALLOW;
}

/** A product pinned, given away or auctioned in a show must be the show host's own goods. */
export function offerInShow(actor: Actor, show: ShowFacts, sku: { sku: string; hostId: string }): Decision {
  const may = manageShow(actor, show);
  if (!may.ok) return may;
  return sku.hostId === show.hostId ? ALLOW : deny('forbidden', `SKU ${sku.sku} belongs to another host`);
}

/** A chat line is deleted only through the show it was said in. */
export function deleteChatLine(
  actor: Actor,
  show: ShowFacts,
  line: { showId: string } | undefined,
): Decision {
  const may = moderateShow(actor, show);
  if (!may.ok) return may;
  return line && line.showId === show.id ? ALLOW : deny('not_found', 'No such chat line in this show');
}

/** Taking part in a show (chat, reactions, votes, bids, entries, claims of its items). */
export function takePart(banned: boolean): Decision {
  return banned ? deny('banned', 'You are banned from this show') : ALLOW;
}

/** Bidding: never in an auction of one's own show (shill bidding). */
export function bid(actor: Actor, auction: { hostId: string }, banned: boolean): Decision {
  if (actor.id === auction.hostId) return deny('own_auction', 'A host cannot bid in their own auction');
  return takePart(banned);
}

/** How the actor stands to an order; `undefined` when it is none of their business. */
export function standingOnOrder(actor: Actor, order: OrderFacts): 'admin' | 'host' | 'buyer' | undefined {
  if (isAdmin(actor)) return 'admin';
  if (hasRole(actor, 'host') && order.sellerIds.includes(actor.id)) return 'host';
  return order.buyerId === actor.id ? 'buyer' : undefined;
}

/** Seeing an order: its buyer, a host who sold one of its lines, or an admin; others see nothing. */
export function viewOrder(actor: Actor, order: OrderFacts): Decision {
  return standingOnOrder(actor, order) ? ALLOW : deny('not_found', 'Order not found');
}

/** Cancelling: its buyer, an admin, or a host who sold a line of it (see `cancelScope`). */
export function cancelOrder(actor: Actor, order: OrderFacts): Decision {
  return standingOnOrder(actor, order) ? ALLOW : deny('not_found', 'Order not found');
}

/**
 * What a cancel takes: the whole order, or only the actor's own lines. A host never cancels
 * another seller's lines: in a multi-seller order a host's cancel takes their lines alone.
 */
export function cancelScope(actor: Actor, order: OrderFacts): 'order' | 'own_lines' {
  return standingOnOrder(actor, order) === 'host' && order.sellerIds.some((s) => s !== actor.id)
    ? 'own_lines'
    : 'order';
}

/** Shipping and delivery: a seller of the order, or an admin; never its buyer. */
export function fulfilOrder(actor: Actor, order: OrderFacts): Decision {
  const standing = standingOnOrder(actor, order);
  if (!standing) return deny('not_found', 'Order not found');
  if (standing === 'buyer')
    return deny('forbidden', 'Only the seller or an admin moves an order through fulfilment');
  if (standing === 'host' && order.sellerIds.some((s) => s !== actor.id))
    return deny('forbidden', 'This order has lines of other sellers: an admin moves it');
  return ALLOW;
}

/** Only the buyer pays or addresses their order. */
export function payOrder(actor: Actor, order: OrderFacts): Decision {
  return order.buyerId === actor.id ? ALLOW : deny('not_found', 'Order not found');
}

/** An admin changes another user's role or suspends them; never themselves (no self-promotion, no lock-out). */
export function changeAccount(actor: Actor, targetId: string): Decision {
  if (!isAdmin(actor)) return deny('forbidden', 'This needs the admin role');
  return actor.id === targetId
    ? deny('self_change_forbidden', 'An admin cannot change their own role or suspend themselves')
    : ALLOW;
}

/** A channel of one user's own (their `user:` channel, their queue ticket's channel). */
export function ownChannel(
  actor: Actor | undefined,
  ownerId: string | undefined,
  missing: DenyCode = 'forbidden',
): Decision {
  if (!actor) return deny('unauthenticated', 'This channel needs a token (auth frame or subprotocol)');
  return ownerId === actor.id
    ? ALLOW
    : deny(missing, missing === 'not_found' ? 'No such channel' : 'Not your channel');
}

/** A user's own things (holds, tickets, waitlist places, follows' lists): that user only. */
export function ownThing(actor: Actor, ownerId: string | undefined, what: string): Decision {
  return ownerId !== undefined && ownerId === actor.id ? ALLOW : deny('not_found', `${what} not found`);
}

/** What the step-up gate knows about a sensitive call (see domain/step-up.ts for `needed`). */
export interface StepUpFacts {
  /** The action needs a step-up (`needsStepUp`). */
  readonly needed: boolean;
  /** The request carries a step-up proof that holds for this caller (`proofHolds`). */
  readonly proven: boolean;
  /** The caller has an active second factor (TOTP or a passkey) to step up with. */
  readonly hasFactor: boolean;
}

/**
 * Sensitive actions (role changes, refunds, large orders) need a fresh second factor. Without one
 * enrolled the answer still is `step_up_required`, with `enrol: true`: the client sends the user
 * to add a factor. A guest has no account to add one to: they must register first (a large order
 * is where a stolen or shared guest token would hurt most).
 */
export function stepUp(actor: Actor, facts: StepUpFacts): Decision {
  if (!facts.needed || facts.proven) return ALLOW;
  if (actor.guest)
    return deny(
      'step_up_required',
      'Orders this large need an account with a second factor: register first',
      {
        enrol: true,
        register: true,
      },
    );
  if (!facts.hasFactor)
    return deny(
      'step_up_required',
      'This needs a second factor: add one in your account security, then confirm',
      {
        enrol: true,
      },
    );
  return deny(
    'step_up_required',
    'Confirm with your second factor (POST /api/me/step-up) and send the proof as Flashmob-Step-Up',
    { enrol: false },
  );
}
