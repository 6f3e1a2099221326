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
 * The batches of `chain` (this node's latest writes on one item, each allocated on the one before;
 * `pending`: those not known to be committed yet) that a read showing `read` does not include.
 * A read newer than every write of the chain, none pending, includes them all (another writer
 * or this node's locked path moved the item since). `undefined` when the read fits nowhere: it
 * may lack writes of this node, so nothing may be assumed from it.
 */
export function unseenBy(
  chain: readonly Speculation[],
  read: ItemStamp,
  pending: ReadonlySet<Speculation> = new Set(),
): Speculation[] | undefined {
  const last = chain[chain.length - 1];
  if (!last) return [];
  for (let i = chain.length - 1; i >= 0; i--) {
    if (sameStamp((chain[i] as Speculation).stamp, read)) return chain.slice(i + 1);
  }
  if (sameStamp((chain[0] as Speculation).base, read)) return [...chain];
  return pending.size === 0 && read.version > last.stamp.version ? [] : undefined;
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

/** Keys remembered per buyer, and buyers per item: beyond that, a batch reads (bounded memory). */
const KEYS_PER_BUYER = 16;
const BUYERS_MAX = 200_000;

/**
 * What this node knows of an item's buyers at the stamp its last write leaves: the units each
 * holds, and keys each has used. Exact while every change of the item since the read it came
 * from has been this node's own chained write, which is what a write's guard proves when it
 * commits: so a batch whose buyers are all known, with keys never seen, is allocated without a
 * read. A key used before but not remembered here (another node, an old retry) fails the write on
 * the unique index, and the batch is decided again under the lock.
 */
export class KnownBuyers {
  private stamp: ItemStamp | undefined;
  private readonly buyers = new Map<string, { held: number; keys: string[] }>();

  /**
   * The state a batch would be allocated on at `tail` (this node's last write), or undefined if
   * it needs a read: a buyer not known, or a key that may be a retry.
   */
  knowledgeAt(
    tail: Speculation,
    batch: ReadonlyArray<{ readonly buyerId: string; readonly idempotencyKey: string }>,
  ): ItemKnowledge | undefined {
    if (!this.stamp || !sameStamp(this.stamp, tail.stamp) || !this.covers(batch)) return undefined;
    const heldByBuyer = new Map<string, number>();
    for (const c of batch) {
      const held = this.buyers.get(c.buyerId)?.held ?? 0;
      if (held > 0) heldByBuyer.set(c.buyerId, held);
    }
    return {
      stamp: tail.stamp,
      remaining: tail.remainingAfter,
      heldByBuyer,
      priorByKey: new Map(),
      priorRows: new Map(),
    };
  }

  /** Whether every buyer of the batch is known with keys never seen (a read may be skipped). */
  covers(batch: ReadonlyArray<{ readonly buyerId: string; readonly idempotencyKey: string }>): boolean {
    if (!this.stamp) return false;
    return batch.every((c) => {
      const known = this.buyers.get(c.buyerId);
      return known !== undefined && !known.keys.includes(c.idempotencyKey);
    });
  }

  /**
   * A batch allocated on `base` (what a read said of its buyers, or this) wrote `written`: its
   * buyers are known as `base` had them plus what it wrote, and everyone else carries over if
   * `base` was the state known here.
   */
  record(
    base: ItemKnowledge,
    batch: ReadonlyArray<{ readonly buyerId: string; readonly idempotencyKey: string }>,
    written: Speculation,
  ): void {
    if (!this.stamp || !sameStamp(this.stamp, base.stamp) || this.buyers.size > BUYERS_MAX)
      this.buyers.clear();
    for (const c of batch) {
      let known = this.buyers.get(c.buyerId);
      if (!known) {
        known = { held: 0, keys: [] };
        this.buyers.set(c.buyerId, known);
      }
      known.held = base.heldByBuyer.get(c.buyerId) ?? 0;
      if (!known.keys.includes(c.idempotencyKey)) {
        known.keys.push(c.idempotencyKey);
        if (known.keys.length > KEYS_PER_BUYER) known.keys.shift();
      }
    }
    for (const [buyer, units] of written.heldAdded) {
      const known = this.buyers.get(buyer);
      if (known) known.held += units;
    }
    this.stamp = written.stamp;
  }

  /** The chain broke (a conflict, a failed write, the locked path): nothing is known any more. */
  forget(): void {
    this.stamp = undefined;
    this.buyers.clear();
  }
}
