import { ApiError, NetworkError } from './api.ts';
import { serverClock } from './clock.ts';
import type { Problem } from './types.ts';

/** A friendly message for the buyer: a headline and an optional next step. */
export interface Friendly {
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
}

const DECLINE_REASONS: Record<string, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  wallet_declined: 'Your wallet declined the payment.',
  bnpl_declined: 'Pay later was not approved this time.',
  challenge_failed: 'Your bank could not verify the payment.',
  invalid_token: 'That payment method was not recognised.',
};

const time = (iso: unknown) =>
  typeof iso === 'string'
    ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : undefined;

/** One message per stable error code (docs/errors.md): clients branch on `code`, never on `title`. */
export function friendlyProblem(p: Problem): Friendly {
  const f = (title: string, detail?: string): Friendly => ({
    code: p.code,
    title,
    ...(detail ? { detail } : {}),
  });
  switch (p.code) {
    case 'sold_out':
      return p.remaining && p.remaining > 0
        ? f(`Only ${p.remaining} left`, `Lower the quantity to ${p.remaining} or fewer and claim again.`)
        : f('Sold out', 'Every unit is claimed. Join the waitlist: returned units go to the line first.');
    case 'limit_exceeded': {
      const limit = p.limit ?? 1;
      const held = p.alreadyHeld ?? 0;
      return f(
        `Limit ${limit} per person`,
        held > 0
          ? `You already hold ${held}. Check out what you have, or claim fewer.`
          : `You can claim up to ${limit} of this item.`,
      );
    }
    case 'not_started': {
      const at = time(p.startsAt);
      return f(
        'Not open yet',
        `${at ? `The drop opens at ${at}. ` : ''}Stay here: the button unlocks the second it opens.`,
      );
    }
    case 'ended':
      return f('This drop has ended', 'Claims are closed. Check the upcoming drops.');
    case 'not_admitted':
      return f(
        'Waiting room first',
        'This drop lets buyers in from its waiting room, a few at a time. Join the queue: your turn comes with a timer to claim.',
      );
    case 'queue_not_open': {
      const opens = typeof p.opensAt === 'string' ? Date.parse(p.opensAt) : Number.NaN;
      // Refused while its opening time is past: the sale is over.
      if (Number.isFinite(opens) && opens <= serverClock.now())
        return f('This drop has ended', 'Its waiting room is closed. Check the upcoming drops.');
      return f(
        'The waiting room is not open yet',
        `${time(p.opensAt) ? `It opens at ${time(p.opensAt)}. ` : ''}Stay on this page: you join the line by yourself when it opens.`,
      );
    }
    case 'no_waiting_room':
      return f('No queue for this drop', 'Everyone can claim directly on the drop page.');
    case 'pow_required':
      return f(
        'One quick check first',
        'We check this browser (no captcha) before it joins the line. Tap Try again.',
      );
    case 'pow_invalid':
      return f("That check didn't go through", 'Tap Try again: a fresh check only takes a moment.');
    case 'pow_expired':
      return f('The check took too long', 'Tap Try again: a fresh check only takes a moment.');
    case 'pow_insufficient':
      return f('The check needs a little more work', 'The host raised the bar against bots. Tap Try again.');
    case 'unknown_sku':
      return f('Item not available', 'That item is no longer part of this drop.');
    case 'idempotency_conflict':
      return f('That tap was already used', 'Tap Claim again to send a fresh claim.');
    case 'rate_limited':
      return f(
        'Easy, speedy!',
        `Too many tries in a short time. Try again in ${Math.max(1, Math.ceil(p.retryAfterSeconds ?? 5))} s.`,
      );
    case 'unauthenticated':
      return f('Sign in to continue', 'Sign in, create an account, or continue as a guest.');
    case 'invalid_token':
      return f('Your session expired', 'Please sign in again.');
    case 'invalid_credentials':
      return f("Email and password don't match", 'Check them and try again.');
    case 'forbidden':
      return f('Not allowed', 'Your account cannot do this.');
    case 'email_taken':
      return f('This email already has an account', 'Sign in instead.');
    case 'sku_taken':
      return f('SKU already in use', 'SKUs are unique across the catalog: pick another one.');
    case 'invalid_sale':
      return f('Check the sale', p.title);
    case 'invalid_party':
      return f('Check the party', typeof p.detail === 'string' && p.detail ? p.detail : p.title);
    case 'party_ended':
      return f(
        'This party has ended',
        'An ended party cannot be paused or resumed. Start a new one instead.',
      );
    case 'reservation_not_held':
      return f(
        'This hold already ended',
        p.state ? `It is ${String(p.state).replace('_', ' ')}.` : undefined,
      );
    case 'already_waitlisted':
      return f("You're already on the waitlist", "We'll hold a unit for you the moment one comes back.");
    case 'not_sold_out':
      return f('Back in stock!', `${p.remaining ?? 'Some'} available right now: claim it instead.`);
    case 'not_waiting':
      return f('No longer waiting', 'This waitlist entry has already ended.');
    case 'reservation_unavailable':
      return f(
        'Some holds are no longer available',
        'They expired or were already checked out. Your bag has been refreshed.',
      );
    case 'currency_mismatch':
      return f('One currency per order', 'Check out items priced in one currency at a time.');
    case 'payment_declined':
      return f(
        DECLINE_REASONS[String(p.reason)] ?? 'The payment was declined.',
        'No money was taken, and your held items were released back to the drop.',
      );
    case 'payment_method_missing':
      return f('Saved payment method not found', 'Choose another way to pay.');
    case 'validation_failed': {
      const first = p.errors?.[0];
      return f(
        'Please check the form',
        first ? `${first.path.replace(/^\/?body[./]?/, '') || 'input'} ${first.message}` : p.title,
      );
    }
    // Live shows: chat, polls, giveaways, auctions.
    case 'muted':
      return f("You're muted in this chat", 'The host muted you. You can keep watching and buying.');
    case 'banned':
      return f("You're banned from this chat", 'The host removed you from the chat of this show.');
    case 'slow_mode': {
      const wait = Math.max(1, Math.ceil(Number(p.retryAfterMs ?? 1000) / 1000));
      return f(
        `Slow mode: one message every ${p.slowModeSeconds ?? wait} s`,
        `You can send again in ${wait} s.`,
      );
    }
    case 'chat_rate_limited': {
      const wait = Math.max(1, Math.ceil(Number(p.retryAfterMs ?? 1000) / 1000));
      return f('Easy there!', `You're sending messages too fast. Try again in ${wait} s.`);
    }
    case 'show_ended':
      return f(
        'This show has ended',
        'Chat, bids and giveaways are closed. Your holds can still be checked out.',
      );
    case 'show_not_live':
      return f('The show is not live', 'Go live first: auctions run while the show is live.');
    case 'auction_running':
      return f('An auction is already running', 'Wait for it to end before starting the next one.');
    case 'invalid_auction':
      return f('Check the auction', `${p.field ? `${String(p.field)}: ` : ''}${p.title}`);
    case 'auction_not_started':
      return f('The auction has not started', 'Bidding opens in a moment.');
    case 'auction_ended':
      return f('Too late: the auction has ended', 'Bids count until the server’s clock says it is over.');
    case 'bid_too_low':
      return f('Someone bid first', 'The price moved up: the button shows the new minimum. Tap Bid again.');
    case 'already_highest':
      return f("You're already the highest bidder", 'Sit tight: you only need to bid again if outbid.');
    case 'invalid_amount':
      return f('That bid is not a valid amount', 'Bids are in whole cents, above zero.');
    case 'invalid_poll':
      return f('Check the poll', p.title);
    case 'poll_closed':
      return f('This poll is closed', 'The results are final.');
    case 'invalid_option':
      return f('That option is not in the poll', 'Pick one of the answers shown.');
    case 'already_voted':
      return f('You already voted', 'One vote per person in each poll.');
    case 'giveaway_closed':
      return f('Entries are closed', 'This giveaway is not taking entries any more.');
    case 'malformed_json':
    case 'body_too_large':
    case 'unsupported_media_type':
    case 'invalid_signature':
      return f('That request could not be sent', 'Please reload the page and try again.');
    case 'not_found':
      return f('Not found', 'It may have been removed, or the link is wrong.');
    case 'unavailable':
      return f('Busy moment', 'We are serving a rush of buyers. Try again in a moment.');
    case 'internal':
      return f('Something broke on our side', 'Please try again. If it keeps happening, tell the host.');
    default:
      return f(p.title || 'Something went wrong');
  }
}

export function friendlyError(e: unknown): Friendly {
  if (e instanceof ApiError) return friendlyProblem(e.problem);
  if (e instanceof NetworkError)
    return { code: 'network', title: "You're offline", detail: 'Check your connection and try again.' };
  return { code: 'unknown', title: 'Something went wrong', detail: (e as Error)?.message };
}
