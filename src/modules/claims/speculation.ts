import { idempotencyKeyOf, type PriorReservation } from '../../domain/allocation.ts';
import type { Reservation } from './types.ts';

/**
 * Which committed state of an item a row shows: its version, and the claim batch that wrote it
 * last. Every change of the item's stock, price, limit or `active`, and of what buyers hold of it,
 * moves the version; the batch id tells one writer's commit from another's at the same version.
 */
export interface ItemStamp {
  readonly version: number;
  readonly batchId: string | null;
}

/** What a batch is allocated on: an item's state as read, plus the batches not yet in that read. */
export interface ItemKnowledge {
  readonly stamp: ItemStamp;
  readonly remaining: number;
  /** Units each buyer of the batch holds or bought of the item. */
  readonly heldByBuyer: ReadonlyMap<string, number>;
  /** Reservations under the batch's (buyer, key) pairs, by `idempotencyKeyOf`. */
  readonly priorByKey: ReadonlyMap<string, PriorReservation>;
  readonly priorRows: ReadonlyMap<string, Reservation>;
}

/**
 * A batch whose write is on its way to the database, guarded by the stamp it was allocated on:
 * it commits only if the item is still exactly in that state, and leaves it at `stamp`.
 */
export interface Speculation {
  readonly base: ItemStamp;
  readonly stamp: ItemStamp;
  readonly remainingAfter: number;
  /** Units this batch gives each buyer. */
  readonly heldAdded: ReadonlyMap<string, number>;
  /** The reservations it writes, by `idempotencyKeyOf(buyer, key)`, with their request hashes. */
  readonly reserved: ReadonlyMap<string, { readonly reservation: Reservation; readonly requestHash: string }>;
  /** Resolves true once committed, false if its guard failed or its write did. */
  readonly settled: Promise<boolean>;
}

const sameStamp = (a: ItemStamp, b: ItemStamp) => a.version === b.version && a.batchId === b.batchId;

/**
 * The batches of `chain` (this node's writes in flight on one item, each allocated on the one
 * before) that a read showing `read` does not include yet. `undefined` when the read fits
 * nowhere in the chain: another writer changed the item, so nothing may be assumed about it.
 */
export function unseenBy(chain: readonly Speculation[], read: ItemStamp): Speculation[] | undefined {
  if (chain.length === 0) return [];
  for (let i = chain.length - 1; i >= 0; i--) {
    if (sameStamp((chain[i] as Speculation).stamp, read)) return chain.slice(i + 1);
  }
  return sameStamp((chain[0] as Speculation).base, read) ? [...chain] : undefined;
}

/** The item as it will be once `unseen` (batches in flight, in order) have committed. */
export function withInFlight(known: ItemKnowledge, unseen: readonly Speculation[]): ItemKnowledge {
  const last = unseen[unseen.length - 1];
  if (!last) return known;
  const heldByBuyer = new Map(known.heldByBuyer);
  const priorByKey = new Map(known.priorByKey);
  const priorRows = new Map(known.priorRows);
  for (const s of unseen) {
    for (const [buyer, units] of s.heldAdded) heldByBuyer.set(buyer, (heldByBuyer.get(buyer) ?? 0) + units);
    for (const [key, { reservation, requestHash }] of s.reserved) {
      priorByKey.set(key, { reservationId: reservation.id, requestHash });
      priorRows.set(reservation.id, reservation);
    }
  }
  return { stamp: last.stamp, remaining: last.remainingAfter, heldByBuyer, priorByKey, priorRows };
}

/** What a batch adds on top of the state it was allocated on, for the batches allocated after it. */
export function speculationOf(
  base: ItemStamp,
  batchId: string,
  remainingAfter: number,
  written: ReadonlyArray<{
    buyerId: string;
    idempotencyKey: string;
    requestHash: string;
    reservation: Reservation;
  }>,
  settled: Promise<boolean>,
): Speculation {
  const heldAdded = new Map<string, number>();
  const reserved = new Map<string, { reservation: Reservation; requestHash: string }>();
  for (const w of written) {
    heldAdded.set(w.buyerId, (heldAdded.get(w.buyerId) ?? 0) + w.reservation.quantity);
    reserved.set(idempotencyKeyOf(w.buyerId, w.idempotencyKey), {
      reservation: w.reservation,
      requestHash: w.requestHash,
    });
  }
  return {
    base,
    stamp: { version: base.version + 1, batchId },
    remainingAfter,
    heldAdded,
    reserved,
    settled,
  };
}
