import { allocate, type ClaimIntent, type Outcome } from '../../domain/allocation.ts';
import { type SaleTiming, windowRefusal } from '../../domain/sale-status.ts';
import { newId } from '../../platform/ids.ts';
import type { BatchWrite, ItemRow, WrittenClaim } from './batch-sql.ts';
import type { ClaimResult } from './engine-types.ts';
import type { ItemKnowledge } from './speculation.ts';
import type { Reservation } from './types.ts';

/** What a batch decided on some state of the item: the answers, and the write they need. */
export interface Decision {
  readonly results: ClaimResult[];
  /** Absent when the batch takes nothing. */
  readonly write?: BatchWrite;
}

/** Allocates the batch on `known` (pure apart from new ids): the answers, and the write they need. */
export function decide(
  itemId: string,
  batch: readonly ClaimIntent[],
  item: ItemRow,
  known: ItemKnowledge,
  now: number,
): Decision {
  const timing = { startsAt: item.starts_at.getTime(), endsAt: item.ends_at.getTime() };
  const refusal = windowRefusal(timing, now);
  if (refusal) {
    const r = windowResult(refusal, timing);
    return { results: batch.map(() => r) };
  }
  if (!item.active) {
    const r: ClaimResult = { ok: false, code: 'ended', message: 'This item is no longer on sale' };
    return { results: batch.map(() => r) };
  }
  const allocation = allocate(
    {
      remaining: known.remaining,
      perBuyerLimit: item.per_buyer_limit,
      heldByBuyer: known.heldByBuyer,
      priorByKey: known.priorByKey,
    },
    batch,
  );

  const expiresAt = new Date(now + item.hold_seconds * 1000).toISOString();
  const createdAt = new Date(now).toISOString();
  const fresh = new Map<number, Reservation>();
  const claims: WrittenClaim[] = [];
  allocation.outcomes.forEach((o, i) => {
    if (o.kind !== 'reserved') return;
    const intent = batch[i] as ClaimIntent;
    const reservation: Reservation = {
      id: newId('reservation'),
      saleId: item.sale_id,
      saleItemId: itemId,
      sku: item.sku,
      quantity: o.quantity,
      priceCents: item.price_cents,
      currency: item.currency,
      state: 'held',
      source: 'claim',
      expiresAt,
      createdAt,
      orderId: null,
    };
    fresh.set(i, reservation);
    claims.push({
      buyerId: intent.buyerId,
      idempotencyKey: intent.idempotencyKey,
      requestHash: intent.requestHash,
      reservation,
      remainingAfter: o.remainingAfter,
    });
  });
  const results = allocation.outcomes.map((o, i) => toResult(o, i, fresh, known.priorRows, item));
  if (allocation.taken === 0) return { results };
  return {
    results,
    write: {
      itemId: itemId,
      saleId: item.sale_id,
      sku: item.sku,
      priceCents: item.price_cents,
      currency: item.currency,
      base: known.stamp,
      batchId: newId('claimBatch'),
      eventId: newId('event'),
      taken: allocation.taken,
      remainingAfter: known.remaining - allocation.taken,
      expiresAt,
      createdAt,
      claims,
    },
  };
}

export function windowResult(refusal: 'not_started' | 'ended', sale: SaleTiming): ClaimResult {
  return refusal === 'not_started'
    ? {
        ok: false,
        code: 'not_started',
        message: 'The sale has not started',
        extra: { startsAt: new Date(sale.startsAt).toISOString() },
      }
    : {
        ok: false,
        code: 'ended',
        message: 'The sale has ended',
        extra: { endedAt: new Date(sale.endsAt).toISOString() },
      };
}

function toResult(
  o: Outcome,
  i: number,
  fresh: ReadonlyMap<number, Reservation>,
  priorRows: ReadonlyMap<string, Reservation>,
  item: Pick<ItemRow, 'sku'>,
): ClaimResult {
  switch (o.kind) {
    case 'reserved':
      return { ok: true, reservation: fresh.get(i) as Reservation, replayed: false };
    case 'replay_in_batch':
      return { ok: true, reservation: fresh.get(o.of) as Reservation, replayed: true };
    case 'replay':
      return { ok: true, reservation: priorRows.get(o.reservationId) as Reservation, replayed: true };
    case 'sold_out':
      return o.remaining === 0
        ? { ok: false, code: 'sold_out', message: 'Sold out', extra: { remaining: 0, sku: item.sku } }
        : {
            ok: false,
            code: 'sold_out',
            message: `Only ${o.remaining} left`,
            extra: { remaining: o.remaining, sku: item.sku },
          };
    case 'limit_exceeded':
      return {
        ok: false,
        code: 'limit_exceeded',
        message: `The limit is ${o.limit} per buyer`,
        extra: { limit: o.limit, alreadyHeld: o.alreadyHeld, sku: item.sku },
      };
    case 'idempotency_conflict':
      return {
        ok: false,
        code: 'idempotency_conflict',
        message: 'This idempotency key was already used for a different claim',
      };
  }
}
