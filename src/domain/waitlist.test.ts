import { describe, expect, it } from 'vitest';
import { planWaitlistOffers } from './waitlist.ts';

const w = (entryId: string, buyerId: string, quantity: number) => ({ entryId, buyerId, quantity });

describe('waitlist', () => {
  it('waitlist - offers returned units in line order, the rest goes to stock', () => {
    const plan = planWaitlistOffers(3, [w('e1', 'a', 1), w('e2', 'b', 1)], new Map(), 5);
    expect(plan.offers).toEqual([
      { entryId: 'e1', buyerId: 'a', quantity: 1 },
      { entryId: 'e2', buyerId: 'b', quantity: 1 },
    ]);
    expect(plan.toStock).toBe(1);
  });

  it('waitlist - a partial offer when fewer units come back than the first in line wants', () => {
    const plan = planWaitlistOffers(1, [w('e1', 'a', 2), w('e2', 'b', 1)], new Map(), 5);
    expect(plan.offers).toEqual([{ entryId: 'e1', buyerId: 'a', quantity: 1 }]);
    expect(plan.toStock).toBe(0);
  });

  it('waitlist - skips a buyer who already holds the limit', () => {
    const plan = planWaitlistOffers(1, [w('e1', 'a', 1), w('e2', 'b', 1)], new Map([['a', 2]]), 2);
    expect(plan.skipped).toEqual(['e1']);
    expect(plan.offers).toEqual([{ entryId: 'e2', buyerId: 'b', quantity: 1 }]);
  });

  it('waitlist - with nobody waiting everything goes back to stock', () => {
    expect(planWaitlistOffers(4, [], new Map(), 1)).toEqual({ offers: [], skipped: [], toStock: 4 });
  });
});
