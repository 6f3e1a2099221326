import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ACCOUNT_CHANGED, type AccountChange, type TokenService } from '../modules/auth/index.ts';
import type { ReservationsService } from '../modules/claims/index.ts';
import type { OrdersService } from '../modules/orders/index.ts';
import type { SalesService } from '../modules/sales/index.ts';
import type { Bus } from '../platform/bus/bus.ts';
import type { EventRecord } from '../platform/bus/events.ts';
import type { Clock } from '../platform/clock.ts';
import { toError } from '../platform/errors.ts';
import { ChannelHub, type ChannelProvider, type HubMetrics } from './channel-hub.ts';
import { Gateway, type GatewayOptions } from './gateway.ts';
import { ClusterPresence } from './presence.ts';
import { CLOSE } from './protocol.ts';
import { SaleChannels } from './sale-channel.ts';
import { UserChannels } from './user-channel.ts';

export interface RealtimeOptions {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tokens: TokenService;
  readonly sales: SalesService;
  readonly reservations: ReservationsService;
  readonly orders: OrdersService;
  /** Which of these users follow the host (for `host.live` notices); none when absent. */
  readonly followersAmong?: (hostId: string, userIds: readonly string[]) => Promise<string[]>;
  readonly tickMs: number;
  readonly gateway: Pick<
    GatewayOptions,
    | 'allowedOrigins'
    | 'heartbeatMs'
    | 'maxBufferedBytes'
    | 'maxFrameBytes'
    | 'framesPerSecond'
    | 'maxConnectionsPerAddress'
    | 'maxConnectionsPerUser'
    | 'trustProxy'
    | 'metrics'
  >;
  /** Channels one connection may be in at once. */
  readonly maxSubscriptions?: number;
  readonly hubMetrics?: HubMetrics;
}

/** Something that turns events of the log into channel frames. */
export interface Projection {
  apply(e: EventRecord): void;
}

/** The real-time layer of one node: channels, the WebSocket gateway, presence, the event feed. */
export class Realtime {
  readonly hub: ChannelHub;
  readonly gateway: Gateway;
  readonly sales: SaleChannels;
  readonly users: UserChannels;
  private readonly presence: ClusterPresence;
  private readonly projections: Projection[] = [];
  private untail: (() => void) | undefined;
  private unsubscribeAccounts: (() => void) | undefined;

  constructor(private readonly o: RealtimeOptions) {
    const now = () => o.clock.now();
    let presence: ClusterPresence | undefined;
    this.hub = new ChannelHub({
      tickMs: o.tickMs,
      logger: o.logger,
      now,
      ...(o.maxSubscriptions ? { maxSubscriptions: o.maxSubscriptions } : {}),
      ...(o.hubMetrics ? { metrics: o.hubMetrics } : {}),
      remoteViewers: (name) => presence?.remoteViewers(name) ?? 0,
      onLocalViewers: (counts) => presence?.report(counts),
    });
    presence = new ClusterPresence(
      o.bus,
      now,
      () => this.hub.localCounts(),
      (name) => this.hub.remotePresenceChanged(name),
    );
    this.presence = presence;
    this.sales = new SaleChannels(this.hub, o.sales, o.clock);
    this.users = new UserChannels(this.hub, o.reservations, o.orders, o.followersAmong, o.logger);
    this.register(this.sales, this.sales);
    this.register(this.users, this.users);
    this.gateway = new Gateway({ ...o.gateway, hub: this.hub, tokens: o.tokens, logger: o.logger, now });
  }

  /** Adds a channel type (and, optionally, its projection of the event log). */
  register(provider: ChannelProvider, projection?: Projection): void {
    this.hub.register(provider);
    if (projection) this.projections.push(projection);
  }

  attach(app: FastifyInstance): void {
    this.gateway.attach(app);
  }

  start(): void {
    this.hub.start();
    this.presence.start();
    // A role change, a new password or a suspension: the user's open sockets carry the old
    // principal, so they are closed on every node (a suspended one for good: 4001).
    this.unsubscribeAccounts = this.o.bus.subscribe(ACCOUNT_CHANGED, (data) => {
      const c = data as AccountChange;
      if (c.suspended) this.gateway.closeUser(c.userId, CLOSE.unauthorized, 'account suspended');
      else this.gateway.closeUser(c.userId, CLOSE.accountChanged, 'account changed');
    });
    this.untail = this.o.bus.tail((events) => {
      for (const e of events) {
        for (const p of this.projections) {
          try {
            p.apply(e);
          } catch (err) {
            this.o.logger.error({ err: toError(err), event: e.id }, 'projection failed');
          }
        }
      }
    });
  }

  async close(): Promise<void> {
    this.untail?.();
    this.unsubscribeAccounts?.();
    this.presence.stop();
    this.hub.stop();
    await this.gateway.close();
  }
}
