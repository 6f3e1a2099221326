import { describe, expect, it } from 'vitest';
import { allocate, type ClaimIntent, idempotencyKeyOf } from './allocation.ts';

const claim = (buyerId: string, quantity: number, key: string, hash = `h-${quantity}`): ClaimIntent => ({
  buyerId,
  quantity,
  idempotencyKey: key,
  requestHash: hash,
});
const state = (remaining: number, perBuyerLimit = 10, held: Record<string, number> = {}) => ({
  remaining,
  perBuyerLimit,
  heldByBuyer: new Map(Object.entries(held)),
  priorByKey: new Map(),
});

describe('allocation', () => {
  it('allocation - serves claims in arrival order until stock runs out', () => {
    const a = allocate(state(3), [
      claim('a', 2, 'k1'),
      claim('b', 2, 'k2'),
      claim('c', 1, 'k3'),
      claim('d', 1, 'k4'),
    ]);
    expect(a.outcomes.map((o) => o.kind)).toEqual(['reserved', 'sold_out', 'reserved', 'sold_out']);
    expect(a.outcomes[1]).toEqual({ kind: 'sold_out', remaining: 1 });
    expect(a.outcomes[3]).toEqual({ kind: 'sold_out', remaining: 0 });
    expect(a.taken).toBe(3);
  });

  it('allocation - counts what a buyer already holds against the per-buyer limit', () => {
    const a = allocate(state(10, 2, { a: 1 }), [
      claim('a', 1, 'k1'),
      claim('a', 1, 'k2'),
      claim('b', 3, 'k3'),
    ]);
    expect(a.outcomes.map((o) => o.kind)).toEqual(['reserved', 'limit_exceeded', 'limit_exceeded']);
    expect(a.outcomes[1]).toEqual({ kind: 'limit_exceeded', limit: 2, alreadyHeld: 2 });
    expect(a.taken).toBe(1);
  });

  it('allocation - a retry with a known key and body replays the earlier reservation', () => {
    const s = {
      ...state(5),
      priorByKey: new Map([[idempotencyKeyOf('a', 'k1'), { reservationId: 'res_1', requestHash: 'h-1' }]]),
    };
    const a = allocate(s, [claim('a', 1, 'k1'), claim('a', 2, 'k1', 'h-2')]);
    expect(a.outcomes).toEqual([
      { kind: 'replay', reservationId: 'res_1' },
      { kind: 'idempotency_conflict' },
    ]);
    expect(a.taken).toBe(0);
  });

  it('allocation - the same request twice in one batch is reserved once', () => {
    const a = allocate(state(5), [claim('a', 1, 'k1'), claim('a', 1, 'k1'), claim('a', 3, 'k1', 'other')]);
    expect(a.outcomes).toEqual([
      { kind: 'reserved', quantity: 1, remainingAfter: 4 },
      { kind: 'replay_in_batch', of: 0 },
      { kind: 'idempotency_conflict' },
    ]);
    expect(a.taken).toBe(1);
  });

  it('allocation - the same key of two buyers is two claims', () => {
    const a = allocate(state(5), [claim('a', 1, 'k'), claim('b', 1, 'k')]);
    expect(a.outcomes.map((o) => o.kind)).toEqual(['reserved', 'reserved']);
  });

  it('allocation - a refused claim does not bind its key', () => {
    const a = allocate(state(1), [claim('a', 2, 'k1'), claim('a', 1, 'k1', 'h-other')]);
    expect(a.outcomes.map((o) => o.kind)).toEqual(['sold_out', 'reserved']);
  });

  it('allocation - never takes more than the stock, whatever the batch (randomised)', () => {
    for (let round = 0; round < 200; round++) {
      const remaining = Math.floor(Math.random() * 50);
      const limit = 1 + Math.floor(Math.random() * 4);
      const claims = Array.from({ length: 100 }, (_, i) =>
        claim(`b${i % 17}`, 1 + Math.floor(Math.random() * 3), `k${i % 40}`),
      );
      const a = allocate(state(remaining, limit), claims);
      expect(a.taken).toBeLessThanOrEqual(remaining);
      const perBuyer = new Map<string, number>();
      a.outcomes.forEach((o, i) => {
        if (o.kind === 'reserved') {
          const b = claims[i]?.buyerId as string;
          perBuyer.set(b, (perBuyer.get(b) ?? 0) + o.quantity);
        }
      });
      for (const n of perBuyer.values()) expect(n).toBeLessThanOrEqual(limit);
      expect([...perBuyer.values()].reduce((x, y) => x + y, 0)).toBe(a.taken);
    }
  });
});
