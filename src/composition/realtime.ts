import type { Config } from '../config.ts';
import type { Metrics } from '../platform/metrics.ts';
import { QueueChannels } from '../realtime/queue-channel.ts';
import { Realtime } from '../realtime/realtime.ts';
import { RoomService } from '../realtime/room-state.ts';
import { ShowChannels } from '../realtime/show-channel.ts';
import type { Adapters } from './adapters.ts';
import type { Modules } from './modules.ts';

/** The WebSocket layer of a node that serves it, with the queue and show channels. */
export interface RealtimeLayer {
  readonly realtime: Realtime;
  start(): void;
  /** Stops the channels, then closes the sockets with a reconnect hint. */
  close(): Promise<void>;
}

export function createRealtime(config: Config, a: Adapters, m: Modules, metrics: Metrics): RealtimeLayer {
  const { bus, clock, logger } = a;
  const { services } = m;
  const realtime = new Realtime({
    bus,
    clock,
    logger: logger.child({ component: 'realtime' }),
    tokens: services.tokens,
    sales: services.sales,
    reservations: services.reservations,
    orders: services.orders,
    followersAmong: (hostId, userIds) => m.shows.follows.followersAmong(hostId, userIds),
    tickMs: config.wsTickMs,
    gateway: {
      allowedOrigins: config.allowedOrigins,
      heartbeatMs: config.wsHeartbeatMs,
      maxBufferedBytes: config.wsMaxBufferedBytes,
      framesPerSecond: config.wsFramesPerSecond,
      maxConnectionsPerAddress: config.wsMaxConnectionsPerIp,
      maxConnectionsPerUser: config.wsMaxConnectionsPerUser,
      trustProxy: config.trustProxy,
      metrics: { connections: () => {}, dropped: (reason) => metrics.wsDropped.inc({ reason }) },
    },
    maxSubscriptions: config.wsMaxSubscriptions,
    hubMetrics: { frame: (channel, recipients) => metrics.wsFrames.inc({ channel }, recipients) },
  });
  const queueChannels = new QueueChannels(realtime.hub, services.waitingRoom, logger, () => clock.now());
  realtime.register(queueChannels);
  const { shows, chat, polls, giveaways, intelligence } = m.shows;
  const showChannels = new ShowChannels({
    hub: realtime.hub,
    bus,
    logger,
    now: () => clock.now(),
    tickMs: config.showTickMs,
    rooms: new RoomService(shows, services.auctions, polls, giveaways),
    shows,
    chat,
    polls,
    giveaways,
    intelligence,
  });
  realtime.register(showChannels, showChannels);
  return {
    realtime,
    start() {
      realtime.start();
      queueChannels.start();
      showChannels.start();
    },
    async close() {
      queueChannels.stop();
      showChannels.stop();
      await realtime.close();
    },
  };
}
