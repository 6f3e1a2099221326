import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ScryptParams } from '../modules/auth/index.ts';
import { SandboxPaymentProvider } from '../modules/payments/index.ts';
import { type ChatPace, MemoryChatPace, RedisChatPace } from '../modules/shows/index.ts';
import { MemoryQueueStore, type QueueStore, RedisQueueStore } from '../modules/waiting-room/index.ts';
import type { Bus } from '../platform/bus/bus.ts';
import { NatsBus } from '../platform/bus/nats-bus.ts';
import { StoreBus } from '../platform/bus/store-bus.ts';
import { type Clock, systemClock } from '../platform/clock.ts';
import type { Counters } from '../platform/counters/counters.ts';
import { MemoryCounters } from '../platform/counters/memory-counters.ts';
import { RedisCounters } from '../platform/counters/redis-counters.ts';
import type { ReadinessCheck } from '../platform/http/health.ts';
import { createLogger } from '../platform/logger.ts';
import type { Ports } from '../platform/ports.ts';
import { secretFromDataDir } from '../platform/secrets.ts';
import { migrate } from '../platform/store/migrate.ts';
import { openStore } from '../platform/store/open-store.ts';
import type { Store } from '../platform/store/store.ts';

/** Ports a caller (a test, the CLI) may provide instead of the ones the config selects. */
export interface Deps {
  readonly store?: Store;
  readonly bus?: Bus;
  readonly counters?: Counters;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Simulated provider latency (tests make it short). */
  readonly paymentLatencyMs?: { min: number; max: number };
  readonly skipMigrations?: boolean;
  /** scrypt parameters for new password hashes (tests make them cheaper); OWASP's when absent. */
  readonly passwordParams?: ScryptParams;
}

/** The adapters of one node, each chosen by the configuration (see "Ports" in docs/ARCHITECTURE.md). */
export interface Adapters extends Ports {
  readonly counters: Counters;
  /** The waiting room's queues: in Redis (one queue for every node) or in memory, written through. */
  readonly queueStore: QueueStore;
  /** Who spoke when in a show's chat: in Redis or in memory. */
  readonly chatPace: ChatPace;
  /** The PaymentProvider: the sandbox simulation (`docs/payments.md`). */
  readonly sandbox: SandboxPaymentProvider;
  /** The `/readyz` checks of these adapters. */
  readonly readiness: Record<string, ReadinessCheck>;
  /** Closes what this node opened, the store last (and only if it opened it). */
  close(): Promise<void>;
}

export async function openAdapters(config: Config, deps: Deps): Promise<Adapters> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const clock = deps.clock ?? systemClock;
  const store = deps.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  if (!deps.skipMigrations) await migrate(store);
  const bus =
    deps.bus ??
    (config.natsUrl
      ? new NatsBus({
          url: config.natsUrl,
          store,
          logger: logger.child({ component: 'bus' }),
          retentionSeconds: config.eventRetentionSeconds,
          prefix: config.natsPrefix,
          ackWaitMs: config.natsAckWaitMs,
        })
      : new StoreBus({ store, logger }));
  const counters =
    deps.counters ?? (config.redisUrl ? new RedisCounters(config.redisUrl) : new MemoryCounters());
  const sandbox = new SandboxPaymentProvider({
    store,
    clock,
    logger,
    webhookSecret: secretFromDataDir(config.paymentWebhookSecret, config.dataDir, 'payment-webhook'),
    ...(deps.paymentLatencyMs ? { latencyMs: deps.paymentLatencyMs } : {}),
  });
  const queueStore: QueueStore = config.redisUrl
    ? new RedisQueueStore(config.redisUrl)
    : await MemoryQueueStore.open(store);
  // Who spoke when: one history for every api node in scale-out, or a chatter gets each node's allowance.
  const chatPace = config.redisUrl ? new RedisChatPace(config.redisUrl) : new MemoryChatPace();
  return {
    store,
    bus,
    clock,
    logger,
    onCommit: () => bus.notifyCommitted(),
    counters,
    queueStore,
    chatPace,
    sandbox,
    readiness: {
      store: () => store.ping(),
      bus: () => bus.ready(),
      counters: () => counters.ready(),
      queue: () => (queueStore instanceof RedisQueueStore ? queueStore.ping() : Promise.resolve()),
    },
    async close() {
      await counters.close();
      await chatPace.close();
      await queueStore.close();
      if (!deps.store) await store.close();
    },
  };
}
