import { describe, expect, it } from 'vitest';
import { allocate, idempotencyKeyOf } from '../../domain/allocation.ts';
import {
  type ItemKnowledge,
  type ItemStamp,
  KnownBuyers,
  type Speculation,
  speculationOf,
  unseenBy,
  withInFlight,
} from './speculation.ts';
import type { Reservation } from './types.ts';

const reservation = (id: string, quantity: number): Reservation => ({
  id,
  saleId: 'sal_1',
  saleItemId: 'itm_1',
  sku: 'SKU',
  quantity,
  priceCents: 100,
  currency: 'USD',
  state: 'held',
  source: 'claim',
  expiresAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  orderId: null,
});

const pending = Promise.resolve(true);

/** A write of `claims` ([buyer, key, units]) allocated on `base`. */
function write(base: ItemStamp, id: string, remainingAfter: number, claims: Array<[string, string, number]>) {
  return speculationOf(
    base,
    id,
    remainingAfter,
    claims.map(([buyerId, idempotencyKey, units], i) => ({
      buyerId,
      idempotencyKey,
      requestHash: `h-${idempotencyKey}`,
      reservation: reservation(`res_${id}_${i}`, units),
    })),
    pending,
  );
}

const read = (stamp: ItemStamp, remaining: number, held: Record<string, number> = {}): ItemKnowledge => ({
  stamp,
  remaining,
  heldByBuyer: new Map(Object.entries(held)),
  priorByKey: new Map(),
  priorRows: new Map(),
});

describe('claim batches chained on writes in flight', () => {
  const s0: ItemStamp = { version: 7, batchId: 'cb_x' };
  const a = write(s0, 'cb_a', 95, [
    ['alice', 'k1', 2],
    ['bob', 'k1', 3],
  ]);
  const b = write(a.stamp, 'cb_b', 94, [['alice', 'k2', 1]]);
  const chain: Speculation[] = [a, b];

  it('a write leaves the item one version on, stamped with its batch', () => {
    expect(a.stamp).toEqual({ version: 8, batchId: 'cb_a' });
    expect(b.stamp).toEqual({ version: 9, batchId: 'cb_b' });
    expect([...a.heldAdded]).toEqual([
      ['alice', 2],
      ['bob', 3],
    ]);
  });

  it('a read taken before the chain sees none of it; one taken after a commit sees up to that write', () => {
    expect(unseenBy([], s0)).toEqual([]);
    expect(unseenBy(chain, s0)).toEqual([a, b]);
    expect(unseenBy(chain, a.stamp)).toEqual([b]);
    expect(unseenBy(chain, b.stamp)).toEqual([]);
  });

  it('a read that fits nowhere in the chain (another writer moved the item) is refused', () => {
    // Same version as the first write would leave, but written by someone else.
    expect(unseenBy(chain, { version: 8, batchId: 'cb_other' })).toBeUndefined();
    expect(unseenBy(chain, { version: 8, batchId: 'cb_x' })).toBeUndefined();
    expect(unseenBy(chain, { version: 6, batchId: 'cb_x' })).toBeUndefined();
    // Newer than the chain while its writes are in flight: it may lack them.
    expect(unseenBy(chain, { version: 10, batchId: 'cb_b' }, new Set(chain))).toBeUndefined();
  });

  it('the writes not yet seen are added to what was read: stock, holdings and keys', () => {
    const known = withInFlight(read(s0, 97, { alice: 1 }), [a, b]);
    expect(known.stamp).toEqual(b.stamp);
    expect(known.remaining).toBe(94);
    expect(known.heldByBuyer.get('alice')).toBe(4);
    expect(known.heldByBuyer.get('bob')).toBe(3);
    expect(known.priorByKey.get(idempotencyKeyOf('bob', 'k1'))).toEqual({
      reservationId: 'res_cb_a_1',
      requestHash: 'h-k1',
    });
    expect(known.priorRows.get('res_cb_b_0')?.quantity).toBe(1);
    // Nothing unseen: the read as it is.
    const plain = read(b.stamp, 94);
    expect(withInFlight(plain, [])).toBe(plain);
  });

  it('a batch allocated on the chain replays a key claimed in flight and counts in-flight units against the limit', () => {
    const known = withInFlight(read(s0, 97), [a, b]);
    const { outcomes } = allocate({ ...known, perBuyerLimit: 4 }, [
      { buyerId: 'bob', quantity: 3, idempotencyKey: 'k1', requestHash: 'h-k1' },
      { buyerId: 'alice', quantity: 2, idempotencyKey: 'k3', requestHash: 'h-k3' },
      { buyerId: 'carol', quantity: 2, idempotencyKey: 'k1', requestHash: 'h-k1' },
    ]);
    expect(outcomes).toEqual([
      { kind: 'replay', reservationId: 'res_cb_a_1' },
      { kind: 'limit_exceeded', limit: 4, alreadyHeld: 3 },
      { kind: 'reserved', quantity: 2, remainingAfter: 92 },
    ]);
  });

  it('once none of its writes is pending, a read newer than the chain starts afresh (another writer moved the item)', () => {
    expect(unseenBy(chain, { version: 12, batchId: 'cb_locked' }, new Set())).toEqual([]);
    expect(unseenBy(chain, { version: 12, batchId: 'cb_locked' }, new Set([b]))).toBeUndefined();
    // Older than the chain's last write and not in it: it may lack this node's writes.
    expect(unseenBy(chain, { version: 8, batchId: 'cb_other' }, new Set())).toBeUndefined();
  });
});

describe('buyers known at the end of the chain (a batch may skip its read)', () => {
  const s0: ItemStamp = { version: 3, batchId: null };
  const claim = (buyerId: string, idempotencyKey: string) => ({ buyerId, idempotencyKey });

  it('knows the buyers a read told of, plus what the chain wrote for them, at the stamp it left', () => {
    const known = new KnownBuyers();
    const a = write(s0, 'cb_a', 9, [['alice', 'k1', 1]]);
    known.record(read(s0, 10, { alice: 1 }), [claim('alice', 'k1'), claim('bob', 'k1')], a);
    const b = write(a.stamp, 'cb_b', 7, [['bob', 'k2', 2]]);
    expect(known.covers([claim('bob', 'k2')])).toBe(true);
    const atA = known.knowledgeAt(a, [claim('bob', 'k2')]);
    expect(atA?.stamp).toEqual(a.stamp);
    expect(atA?.remaining).toBe(9);
    known.record(atA as ItemKnowledge, [claim('bob', 'k2')], b);
    const atB = known.knowledgeAt(b, [claim('alice', 'k3'), claim('bob', 'k3')]);
    expect(atB?.remaining).toBe(7);
    expect([...(atB?.heldByBuyer ?? [])]).toEqual([
      ['alice', 2],
      ['bob', 2],
    ]);
  });

  it('a buyer not known, a key seen before (maybe a retry), or another stamp needs a read', () => {
    const known = new KnownBuyers();
    const a = write(s0, 'cb_a', 9, [['alice', 'k1', 1]]);
    known.record(read(s0, 10), [claim('alice', 'k1')], a);
    expect(known.knowledgeAt(a, [claim('carol', 'k1')])).toBeUndefined();
    expect(known.covers([claim('carol', 'k1')])).toBe(false);
    expect(known.knowledgeAt(a, [claim('alice', 'k1')])).toBeUndefined();
    const other = write({ version: 4, batchId: 'cb_x' }, 'cb_y', 5, []);
    expect(known.knowledgeAt(other, [claim('alice', 'k2')])).toBeUndefined();
    expect(known.knowledgeAt(a, [claim('alice', 'k2')])?.heldByBuyer.get('alice')).toBe(1);
  });

  it('a read on another stamp than the known one starts over; forget() drops everything', () => {
    const known = new KnownBuyers();
    const a = write(s0, 'cb_a', 9, [['alice', 'k1', 1]]);
    known.record(read(s0, 10), [claim('alice', 'k1')], a);
    const fresh: ItemStamp = { version: 9, batchId: 'cb_z' };
    const c = write(fresh, 'cb_c', 4, [['bob', 'k1', 1]]);
    known.record(read(fresh, 5), [claim('bob', 'k1')], c);
    expect(known.covers([claim('alice', 'k2')])).toBe(false);
    expect(known.covers([claim('bob', 'k2')])).toBe(true);
    known.forget();
    expect(known.covers([claim('bob', 'k2')])).toBe(false);
    expect(known.knowledgeAt(c, [claim('bob', 'k2')])).toBeUndefined();
  });
});
