import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { deliverWebhooksOverHttp } from '../modules/payments/index.ts';
import type { Bus } from '../platform/bus/bus.ts';
import type { ConsumerDefinition } from '../platform/bus/consumer-def.ts';
import type { Clock } from '../platform/clock.ts';
import type { Counters } from '../platform/counters/counters.ts';
import type { App } from '../platform/http/app-type.ts';
import { Periodic } from '../platform/periodic.ts';
import type { Store } from '../platform/store/store.ts';
import type { Realtime } from '../realtime/realtime.ts';
import type { Adapters } from './adapters.ts';
import type { Modules, Services } from './modules.ts';
import type { RealtimeLayer } from './realtime.ts';
import { runsWorkers, servesHttp } from './roles.ts';

export interface Flashmob {
  readonly app: App;
  readonly config: Config;
  readonly store: Store;
  readonly bus: Bus;
  readonly counters: Counters;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly services: Services;
  readonly consumers: readonly ConsumerDefinition[];
  /** The WebSocket layer, on nodes that serve it (roles all and realtime). */
  readonly realtime: Realtime | undefined;
  /** Starts the background work of this node's role (relay, consumers, sweepers). */
  start(): Promise<void>;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** One node: what it starts for its role, how it listens, and the order it closes in. */
export function node(
  config: Config,
  a: Adapters,
  m: Modules,
  app: App,
  rt: RealtimeLayer | undefined,
): Flashmob {
  const { bus, logger } = a;
  const { services, consumers } = m;
  const periodic = new Periodic(logger);
  const handles: Array<{ stop(): Promise<void> }> = [];
  let started = false;
  return {
    app,
    config,
    store: a.store,
    bus,
    counters: a.counters,
    clock: a.clock,
    logger,
    services,
    consumers,
    realtime: rt?.realtime,
    async start() {
      if (started) return;
      started = true;
      m.auth.accounts.start();
      if (config.adminEmail && config.adminPassword) {
        const { created } = await services.auth.ensureAdmin({
          email: config.adminEmail,
          password: config.adminPassword,
        });
        if (created) logger.info('admin account created (ADMIN_EMAIL)'); // no e-mail addresses in logs
      }
      if (runsWorkers(config)) {
        for (const c of consumers) handles.push(bus.consume(c.name, (e) => c.handle(e), c));
        services.sweeper.start();
        for (const c of m.chores) periodic.every(c.name, c.everyMs, () => c.run());
      }
      rt?.start();
      services.chat.start();
      m.shows.moderation.start();
      m.shows.archive.start();
      services.reactions.start();
      if (runsWorkers(config)) services.auctions.startSettling();
      if (servesHttp(config) || runsWorkers(config)) services.waitingRoom.start();
      await bus.start();
    },
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      const port = app.server.address();
      if (port && typeof port === 'object' && servesHttp(config))
        deliverWebhooksOverHttp(services.sandbox, `http://127.0.0.1:${port.port}/api/payments/webhook`);
      return address;
    },
    async close() {
      // Stop accepting, close sockets with a reconnect hint, finish in-flight claims, stop
      // background work, then the bus and the store.
      await rt?.close();
      await app.close();
      await services.waitingRoom.stop();
      services.reactions.stop();
      services.chat.stop();
      m.shows.moderation.stop();
      await services.auctions.stop();
      await m.shows.archive.stop();
      await services.engine.drain();
      await periodic.stop();
      await services.sweeper.stop();
      await Promise.all(handles.map((h) => h.stop()));
      await services.sandbox.flush();
      await bus.stop();
      m.auth.accounts.stop();
      await a.close();
    },
  };
}
