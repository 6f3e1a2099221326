import type { Logger } from 'pino';
import type { ReservationsService } from '../modules/claims/index.ts';
import type { OrdersService } from '../modules/orders/index.ts';
import { authorize, ownChannel } from '../modules/policy/index.ts';
import type { EventRecord } from '../platform/bus/events.ts';
import { AppError, toError } from '../platform/errors.ts';
import type { ChannelHub, ChannelProvider, Subscriber } from './channel-hub.ts';

interface ClaimedPayload {
  saleId: string;
  sku: string;
  expiresAt: string;
  reservations: Array<{ id: string; buyerId: string; quantity: number }>;
}

/**
 * The `user` channel: the signed-in buyer's own reservations, waitlist offers and orders, as
 * they happen. Needs the buyer's JWT; a fresh subscriber (or one whose resume point is gone)
 * gets a `reset` frame with the current holds and recent orders.
 */
export class UserChannels implements ChannelProvider {
  readonly prefix = 'user';
  readonly kind = 'events' as const;
  readonly historySize = 100;

  constructor(
    private readonly hub: ChannelHub,
    private readonly reservations: ReservationsService,
    private readonly orders: OrdersService,
    private readonly followersAmong?: (hostId: string, userIds: readonly string[]) => Promise<string[]>,
    private readonly logger?: Logger,
  ) {}

  resolve(requested: string, sub: Subscriber): string {
    if (requested !== 'user') throw new AppError('not_found', 'Subscribe to "user": your own channel');
    if (!sub.principal)
      throw new AppError('unauthenticated', 'The user channel needs a token (auth frame or subprotocol)');
    return `user:${sub.principal.id}`;
  }

  authorize(name: string, sub: Subscriber): void {
    authorize(ownChannel(sub.principal, name.slice('user:'.length)));
  }

  async snapshot(name: string): Promise<{ ev: string; data: unknown }> {
    const buyerId = name.slice(5);
    const [reservations, orders] = await Promise.all([
      this.reservations.listForBuyer(buyerId, 'held'),
      this.orders.listForBuyer(buyerId, 20),
    ]);
    return { ev: 'reset', data: { reservations, orders } };
  }

  /** Feeds one event of the log to the buyers it concerns. */
  apply(e: EventRecord): void {
    const p = e.payload;
    switch (e.type) {
      case 'sale.claimed': {
        const c = p as unknown as ClaimedPayload;
        for (const r of c.reservations) {
          this.hub.publishEvent(`user:${r.buyerId}`, 'reservation.created', {
            id: r.id,
            saleId: c.saleId,
            sku: c.sku,
            quantity: r.quantity,
            expiresAt: c.expiresAt,
          });
        }
        return;
      }
      case 'reservation.expired':
      case 'reservation.released':
        this.hub.publishEvent(`user:${String(p['buyerId'])}`, e.type, {
          id: p['reservationId'],
          saleId: p['saleId'],
          sku: p['sku'],
          reason: p['reason'],
        });
        return;
      case 'waitlist.offered':
        this.hub.publishEvent(`user:${String(p['buyerId'])}`, e.type, {
          reservationId: p['reservationId'],
          saleId: p['saleId'],
          sku: p['sku'],
          quantity: p['quantity'],
          expiresAt: p['expiresAt'],
        });
        return;
      case 'auction.settled':
        if (typeof p['winnerId'] === 'string') {
          this.hub.publishEvent(`user:${p['winnerId']}`, 'auction.won', {
            auctionId: p['auctionId'],
            showId: p['showId'],
            orderId: p['orderId'],
            amountCents: p['amountCents'],
          });
        }
        return;
      case 'show.live': {
        // Followers of the host who are connected to this node hear it at once (each node tells
        // its own); the others see it on the host's page.
        const online = this.hub.activeChannels('user:').map((n) => n.slice(5));
        if (!this.followersAmong || online.length === 0) return;
        const notice = { showId: e.key, hostId: p['hostId'], title: p['title'] };
        this.followersAmong(String(p['hostId']), online).then(
          (ids) => {
            for (const id of ids) this.hub.publishEvent(`user:${id}`, 'host.live', notice);
          },
          (err: unknown) => this.logger?.warn({ err: toError(err) }, 'could not tell followers'),
        );
        return;
      }
      case 'auction.offered':
        this.hub.publishEvent(`user:${String(p['buyerId'])}`, 'auction.offered', {
          auctionId: p['auctionId'],
          showId: p['showId'],
          orderId: p['orderId'],
          amountCents: p['amountCents'],
        });
        return;
      default:
        if (e.type.startsWith('order.') && typeof p['buyerId'] === 'string') {
          const { buyerId: _b, ...rest } = p;
          this.hub.publishEvent(`user:${p['buyerId']}`, e.type, rest);
        }
    }
  }
}
