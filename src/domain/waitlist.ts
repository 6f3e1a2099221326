/**
 * Returned stock goes first to the sale item's waitlist, in the order buyers joined, as fresh
 * holds; only what nobody in line can take goes back to general stock. Pure.
 */
export interface WaitingBuyer {
  readonly entryId: string;
  readonly buyerId: string;
  readonly quantity: number;
}

export interface WaitlistOffer {
  readonly entryId: string;
  readonly buyerId: string;
  /** May be less than wanted: a partial offer closes the entry (the buyer can join again). */
  readonly quantity: number;
}

export interface WaitlistPlan {
  readonly offers: WaitlistOffer[];
  /** Entries closed without an offer: the buyer already holds their limit. */
  readonly skipped: string[];
  /** Units that go back to general stock. */
  readonly toStock: number;
}

export function planWaitlistOffers(
  units: number,
  line: readonly WaitingBuyer[],
  heldByBuyer: ReadonlyMap<string, number>,
  perBuyerLimit: number,
): WaitlistPlan {
  let left = units;
  const offers: WaitlistOffer[] = [];
  const skipped: string[] = [];
  const held = new Map(heldByBuyer);
  for (const w of line) {
    if (left === 0) break;
    const room = perBuyerLimit - (held.get(w.buyerId) ?? 0);
    if (room <= 0) {
      skipped.push(w.entryId);
      continue;
    }
    const quantity = Math.min(left, w.quantity, room);
    offers.push({ entryId: w.entryId, buyerId: w.buyerId, quantity });
    held.set(w.buyerId, (held.get(w.buyerId) ?? 0) + quantity);
    left -= quantity;
  }
  return { offers, skipped, toStock: left };
}
