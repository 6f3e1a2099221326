/**
 * Allocation of one batch of claims on one sale item, in arrival order. Pure: the claim engine
 * reads the locked item row and the buyers' current holds, calls this, and writes the outcome.
 */

export interface ClaimIntent {
  readonly buyerId: string;
  readonly quantity: number;
  readonly idempotencyKey: string;
  /** Hash of what the key was used for (sale, sku, quantity): same key + other body = conflict. */
  readonly requestHash: string;
}

/** A reservation that already holds this (buyer, key). */
export interface PriorReservation {
  readonly reservationId: string;
  readonly requestHash: string;
}

export interface AllocationState {
  readonly remaining: number;
  readonly perBuyerLimit: number;
  /** Units each buyer already holds or bought on this item. */
  readonly heldByBuyer: ReadonlyMap<string, number>;
  /** Keyed by `idempotencyKeyOf(buyerId, key)`. */
  readonly priorByKey: ReadonlyMap<string, PriorReservation>;
}

export type Outcome =
  | { readonly kind: 'reserved'; readonly quantity: number; readonly remainingAfter: number }
  /** A retry of a claim that already has a reservation (earlier, or earlier in this batch). */
  | { readonly kind: 'replay'; readonly reservationId: string }
  | { readonly kind: 'replay_in_batch'; readonly of: number }
  | { readonly kind: 'sold_out'; readonly remaining: number }
  | { readonly kind: 'limit_exceeded'; readonly limit: number; readonly alreadyHeld: number }
  | { readonly kind: 'idempotency_conflict' };

export interface Allocation {
  readonly outcomes: Outcome[];
  /** Units taken from stock by this batch. */
  readonly taken: number;
}

export const idempotencyKeyOf = (buyerId: string, key: string) => `${buyerId}\u0000${key}`;

export function allocate(state: AllocationState, claims: readonly ClaimIntent[]): Allocation {
  let remaining = state.remaining;
  const held = new Map(state.heldByBuyer);
  // Keys first used in this batch, with the index of the claim that used them.
  const firstInBatch = new Map<string, number>();
  const outcomes: Outcome[] = [];

  claims.forEach((claim, i) => {
    const key = idempotencyKeyOf(claim.buyerId, claim.idempotencyKey);
    const prior = state.priorByKey.get(key);
    if (prior) {
      outcomes.push(
        prior.requestHash === claim.requestHash
          ? { kind: 'replay', reservationId: prior.reservationId }
          : { kind: 'idempotency_conflict' },
      );
      return;
    }
    const first = firstInBatch.get(key);
    if (first !== undefined) {
      const firstOutcome = outcomes[first];
      if (claims[first]?.requestHash === claim.requestHash) {
        // The same request twice in one batch gets one answer.
        outcomes.push(
          firstOutcome?.kind === 'reserved'
            ? { kind: 'replay_in_batch', of: first }
            : (firstOutcome as Outcome),
        );
        return;
      }
      if (firstOutcome?.kind === 'reserved') {
        outcomes.push({ kind: 'idempotency_conflict' });
        return;
      }
    }
    const already = held.get(claim.buyerId) ?? 0;
    let outcome: Outcome;
    if (remaining === 0) {
      outcome = { kind: 'sold_out', remaining: 0 };
    } else if (already + claim.quantity > state.perBuyerLimit) {
      outcome = { kind: 'limit_exceeded', limit: state.perBuyerLimit, alreadyHeld: already };
    } else if (claim.quantity > remaining) {
      outcome = { kind: 'sold_out', remaining };
    } else {
      remaining -= claim.quantity;
      held.set(claim.buyerId, already + claim.quantity);
      outcome = { kind: 'reserved', quantity: claim.quantity, remainingAfter: remaining };
    }
    outcomes.push(outcome);
    if (first === undefined) firstInBatch.set(key, i);
  });

  return { outcomes, taken: state.remaining - remaining };
}
