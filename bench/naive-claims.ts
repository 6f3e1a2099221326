import { Type } from '@sinclair/typebox';
import type { Flashmob } from '../src/app.ts';
import { requestHash } from '../src/modules/claims/engine.ts';
import { appendEvents } from '../src/platform/bus/events.ts';
import { AppError } from '../src/platform/errors.ts';
import { principalOf } from '../src/platform/http/access.ts';
import { Body, IdParams } from '../src/platform/http/schemas.ts';
import { newId } from '../src/platform/ids.ts';

/**
 * BASELINE for the benchmark: the claim endpoint as most shops write it, one transaction per
 * claim (lock the item row, check limit and idempotency key, decrement, insert the reservation
 * and its event, commit). Correct, but every claim serialises on the hot row.
 */
export function naiveClaimRoutes(fm: Flashmob): void {
  fm.app.post(
    '/bench/naive/sales/:id/claims',
    {
      config: { access: 'user' },
      schema: {
        params: IdParams('sale'),
        body: Body({
          sku: Type.String(),
          quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
          idempotencyKey: Type.String({ minLength: 1 }),
        }),
      },
    },
    async (req, reply) => {
      const buyerId = principalOf(req).id;
      const { sku, quantity, idempotencyKey } = req.body as {
        sku: string;
        quantity: number;
        idempotencyKey: string;
      };
      const saleId = (req.params as { id: string }).id;
      const now = fm.clock.now();
      const hash = requestHash({ saleId, sku, quantity });
      const reservation = await fm.store.transaction(async (tx) => {
        const [item] = await tx.query<{
          id: string;
          remaining: number;
          per_buyer_limit: number;
          price_cents: number;
          currency: string;
          hold_seconds: number;
          starts_at: Date;
          ends_at: Date;
        }>(
          `select i.id, i.remaining, i.per_buyer_limit, i.price_cents, i.currency, s.hold_seconds, s.starts_at, s.ends_at
           from sale_items i join sales s on s.id = i.sale_id where i.sale_id = $1 and i.sku = $2 for update of i`,
          [saleId, sku],
        );
        if (!item) throw new AppError('unknown_sku', 'unknown sku');
        if (now < item.starts_at.getTime()) throw new AppError('not_started', 'not started');
        if (now >= item.ends_at.getTime()) throw new AppError('ended', 'ended');
        const [prior] = await tx.query<{ id: string; request_hash: string }>(
          'select id, request_hash from reservations where buyer_id = $1 and idempotency_key = $2',
          [buyerId, idempotencyKey],
        );
        if (prior) {
          if (prior.request_hash !== hash) throw new AppError('idempotency_conflict', 'conflict');
          return { id: prior.id };
        }
        const [held] = await tx.query<{ n: number }>(
          `select coalesce(sum(quantity), 0)::int as n from reservations
           where sale_item_id = $1 and buyer_id = $2 and state in ('held', 'checked_out')`,
          [item.id, buyerId],
        );
        if ((held?.n ?? 0) + quantity > item.per_buyer_limit) throw new AppError('limit_exceeded', 'limit');
        if (item.remaining < quantity) throw new AppError('sold_out', 'sold out');
        await tx.query(
          'update sale_items set remaining = remaining - $2, version = version + 1 where id = $1',
          [item.id, quantity],
        );
        const id = newId('reservation');
        await tx.query(
          `insert into reservations (id, sale_id, sale_item_id, buyer_id, sku, quantity, price_cents, currency, state, idempotency_key, request_hash, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'held', $9, $10, $11)`,
          [
            id,
            saleId,
            item.id,
            buyerId,
            sku,
            quantity,
            item.price_cents,
            item.currency,
            idempotencyKey,
            hash,
            new Date(now + item.hold_seconds * 1000),
          ],
        );
        await appendEvents(tx, [
          {
            type: 'reservation.created',
            key: saleId,
            payload: {
              reservationId: id,
              saleId,
              sku,
              buyerId,
              quantity,
              remaining: item.remaining - quantity,
            },
          },
        ]);
        return { id };
      });
      fm.bus.notifyCommitted();
      return reply.code(201).send({ reservation: reservation });
    },
  );
}
