import type { FraudSignals } from '../../domain/fraud.ts';
import { identifiesClient } from '../../platform/net.ts';
import type { Sql } from '../../platform/store/store.ts';
import type { LockedOrder } from '../orders/index.ts';

/** Orders that went through: a buyer with one of these is not on a first order. */
const WENT_THROUGH = ['paid', 'packed', 'shipped', 'delivered', 'refunded'];

/**
 * The facts the fraud rules read, from the store. The window ends at the order's own creation
 * time (not at "now"), so a screening that runs late, or again on a replay, counts the same
 * orders. Each count is served by an index: (buyer_id, created_at), (client_ip, created_at),
 * (payment_fingerprint, created_at).
 */
export async function gatherFraudSignals(
  tx: Sql,
  order: LockedOrder,
  windowMinutes: number,
): Promise<FraudSignals> {
  const from = new Date(order.created_at.getTime() - windowMinutes * 60_000);
  const inWindow = 'p.created_at > $3 and p.created_at <= $4';
  const declined = `p.state = 'payment_failed' and p.payment ->> 'status' = 'declined'`;
  const [row] = await tx.query<{
    guest: boolean;
    prior_paid: number;
    by_account: number;
    declines_account: number;
    by_ip: number;
    by_card: number;
    declines_card: number;
  }>(
    `select u.is_guest as guest,
       (select count(*)::int from orders p where p.buyer_id = $1 and p.id <> $2 and p.created_at <= $4
          and p.state = any($7::text[])) as prior_paid,
       (select count(*)::int from orders p where p.buyer_id = $1 and ${inWindow}) as by_account,
       (select count(*)::int from orders p where p.buyer_id = $1 and ${inWindow} and ${declined}) as declines_account,
       (select count(*)::int from orders p where p.client_ip = $5 and ${inWindow}) as by_ip,
       (select count(*)::int from orders p where p.payment_fingerprint = $6 and ${inWindow}) as by_card,
       (select count(*)::int from orders p where p.payment_fingerprint = $6 and ${inWindow} and ${declined})
         as declines_card
     from users u where u.id = $1`,
    [
      order.buyer_id,
      order.id,
      from,
      order.created_at,
      order.client_ip,
      order.payment_fingerprint,
      WENT_THROUGH,
    ],
  );
  if (!row) throw new Error(`order ${order.id}: buyer ${order.buyer_id} not found`);
  const byCard = order.payment_fingerprint !== null;
  return {
    totalCents: order.total_cents,
    guest: row.guest,
    priorPaidOrders: row.prior_paid,
    ordersByAccount: row.by_account,
    ordersByIp: order.client_ip !== null && identifiesClient(order.client_ip) ? row.by_ip : null,
    ordersByCard: byCard ? row.by_card : null,
    declinesByAccount: row.declines_account,
    declinesByCard: byCard ? row.declines_card : null,
  };
}
