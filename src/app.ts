import { createHmac, randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import {
  AuctionsService,
  auctionRoutes,
  auctionSchemas,
  auctionsConsumer,
  BidEngine,
} from './modules/auctions/index.ts';
import { auditRoutes } from './modules/audit/index.ts';
import {
  type AuthService,
  authRoutes,
  createAuth,
  mfaRoutes,
  passkeyRoutes,
  registerStepUpGate,
  type ScryptParams,
  type SecondFactor,
  secondFactor,
  type TokenService,
  UserSchema,
} from './modules/auth/index.ts';
import { CatalogService, catalogRoutes, ProductSchema } from './modules/catalog/index.ts';
import {
  ClaimEngine,
  claimRoutes,
  HoldSweeper,
  insertSaleItems,
  ReservationSchema,
  ReservationsService,
  WaitlistService,
} from './modules/claims/index.ts';
import {
  CheckoutService,
  checkoutTotal,
  OrderSchema,
  OrdersService,
  orderRoutes,
} from './modules/orders/index.ts';
import { PartiesService, partyRoutes } from './modules/parties/index.ts';
import { paymentRoutes, SandboxPaymentProvider, WebhookReceiver } from './modules/payments/index.ts';
import { orderPipelineConsumers, type PipelineDeps, pipelineRoutes } from './modules/pipeline/index.ts';
import { SaleSchema, SalesService, salesRoutes } from './modules/sales/index.ts';
import {
  ChatArchive,
  ChatService,
  FollowsService,
  GiveawaysService,
  MemoryChatPace,
  ModerationCache,
  PollsService,
  ReactionCounter,
  RedisChatPace,
  RoomIntelligence,
  ShowsService,
  showRoutes,
  showSchemas,
} from './modules/shows/index.ts';
import { saleStatsConsumer, statsRoutes } from './modules/stats/index.ts';
import { TrendingService, trendingConsumer, trendingRoutes } from './modules/trending/index.ts';
import {
  AdmissionTokens,
  admissionGate,
  MemoryQueueStore,
  type QueueStore,
  RedisQueueStore,
  WaitingRoomService,
  waitingRoomConsumer,
  waitingRoomRoutes,
} from './modules/waiting-room/index.ts';
import type { Bus } from './platform/bus/bus.ts';
import type { ConsumerDefinition } from './platform/bus/consumer-def.ts';
import { NatsBus } from './platform/bus/nats-bus.ts';
import { StoreBus } from './platform/bus/store-bus.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Counters } from './platform/counters/counters.ts';
import { MemoryCounters } from './platform/counters/memory-counters.ts';
import { RedisCounters } from './platform/counters/redis-counters.ts';
import { isAppError, toError } from './platform/errors.ts';
import { registerAccessControl } from './platform/http/access.ts';
import type { App } from './platform/http/app-type.ts';
import { healthRoutes } from './platform/http/health.ts';
import { assertMetricsAccess } from './platform/http/metrics-access.ts';
import { frameworkProblem, registerProblemHandlers } from './platform/http/problem.ts';
import { registerRateLimits } from './platform/http/rate-limit.ts';
import { Problem } from './platform/http/schemas.ts';
import { registerSecurityHeaders } from './platform/http/security-headers.ts';
import { clientErrorHandler, serverTimeouts } from './platform/http/timeouts.ts';
import { validatorCompiler } from './platform/http/validation.ts';
import { serveWebApp, spaFallback } from './platform/http/web-app.ts';
import { createLogger, lazyChildLoggerFactory } from './platform/logger.ts';
import { Metrics } from './platform/metrics.ts';
import { Periodic } from './platform/periodic.ts';
import { secretFromDataDir } from './platform/secrets.ts';
import { migrate } from './platform/store/migrate.ts';
import { openStore } from './platform/store/open-store.ts';
import type { Store } from './platform/store/store.ts';
import { QueueChannels } from './realtime/queue-channel.ts';
import { Realtime } from './realtime/realtime.ts';
import { RoomService } from './realtime/room-state.ts';
import { ShowChannels } from './realtime/show-channel.ts';

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

export interface Services extends SecondFactor {
  readonly auth: AuthService;
  readonly tokens: TokenService;
  readonly catalog: CatalogService;
  readonly sales: SalesService;
  readonly engine: ClaimEngine;
  readonly reservations: ReservationsService;
  readonly waitlist: WaitlistService;
  readonly orders: OrdersService;
  readonly checkout: CheckoutService;
  readonly sandbox: SandboxPaymentProvider;
  readonly sweeper: HoldSweeper;
  readonly waitingRoom: WaitingRoomService;
  readonly queueStore: QueueStore;
  readonly shows: ShowsService;
  readonly chat: ChatService;
  readonly reactions: ReactionCounter;
  readonly polls: PollsService;
  readonly giveaways: GiveawaysService;
  readonly auctions: AuctionsService;
  readonly bids: BidEngine;
  readonly intelligence: RoomIntelligence;
  readonly parties: PartiesService;
  readonly trending: TrendingService;
}

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

/** Roles that serve the HTTP API and the web app. */
export const servesHttp = (c: Config) => c.role === 'all' || c.role === 'api';
const servesRealtime = (c: Config) => c.role === 'all' || c.role === 'realtime';
const runsWorkers = (c: Config) => c.role === 'all' || c.role === 'worker';

/** The composition root: every port, service and route of one node, not yet listening. */
export async function buildApp(config: Config, deps: Deps = {}): Promise<Flashmob> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const clock = deps.clock ?? systemClock;
  const ownsStore = !deps.store;
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
  const onCommit = () => bus.notifyCommitted();

  const { accounts, tokens, auth } = createAuth({
    store,
    bus,
    clock,
    jwtSecret: secretFromDataDir(config.jwtSecret, config.dataDir, 'jwt'),
    passwordParams: deps.passwordParams,
  });
  const sales = new SalesService(store, clock, onCommit, insertSaleItems);
  const sandbox = new SandboxPaymentProvider({
    store,
    clock,
    logger,
    webhookSecret: secretFromDataDir(config.paymentWebhookSecret, config.dataDir, 'payment-webhook'),
    ...(deps.paymentLatencyMs ? { latencyMs: deps.paymentLatencyMs } : {}),
  });
  const orders = new OrdersService(store, clock, onCommit);
  const queueStore: QueueStore = config.redisUrl
    ? new RedisQueueStore(config.redisUrl)
    : await MemoryQueueStore.open(store);
  const admissionTokens = new AdmissionTokens(tokens.secretKey);
  const waitingRoom = new WaitingRoomService({
    store: queueStore,
    sales,
    clock,
    logger: logger.child({ component: 'waiting-room' }),
    tokens: admissionTokens,
    powSecret: createHmac('sha256', tokens.secretKey).update('flashmob-proof-of-work').digest(),
    nodeId: randomUUID(),
  });
  let realtimeRef: Realtime | undefined;
  const metrics = new Metrics({
    store,
    lag: () => bus.lag(),
    deadLetters: async () => (await bus.listDeadLetters()).length,
    wsConnections: () => realtimeRef?.gateway.connectionCount ?? 0,
  });
  const engine = new ClaimEngine({
    store,
    sales,
    clock,
    logger,
    batchMax: config.claimBatchMax,
    batchWaitMs: config.claimBatchWaitMs,
    onCommit,
    metrics: {
      batch: (n, path) => {
        metrics.batchSize.observe(n);
        metrics.claimBatches.inc({ path });
      },
      outcome: (code) => metrics.claims.inc({ outcome: code }),
    },
  });
  const moderation = new ModerationCache(store, bus, clock);
  const shows = new ShowsService(store, sales, clock, onCommit, moderation);
  const follows = new FollowsService(store);
  const intelligence = new RoomIntelligence(store, bus, clock, shows);
  const chatArchive = new ChatArchive(store, logger.child({ component: 'chat-archive' }));
  // Who spoke when: one history for every api node in scale-out, or a chatter gets each node's allowance.
  const chatPace = config.redisUrl ? new RedisChatPace(config.redisUrl) : new MemoryChatPace();
  const chat = new ChatService({
    pace: chatPace,
    store,
    bus,
    clock,
    logger,
    shows,
    moderation,
    archive: chatArchive,
    engine,
    intelligence,
  });
  const polls = new PollsService(store, bus, shows, onCommit);
  const giveaways = new GiveawaysService(store, bus, clock, shows, onCommit);
  const auctions = new AuctionsService({ store, clock, logger, shows, onCommit });
  const services: Services = {
    auth,
    tokens,
    ...secondFactor({ secret: tokens.secretKey, store, clock }),
    catalog: new CatalogService(store, onCommit),
    sales,
    engine,
    reservations: new ReservationsService(store, clock, onCommit),
    waitlist: new WaitlistService(store, clock, onCommit),
    orders,
    checkout: new CheckoutService({ store, clock, logger, provider: sandbox, orders, onCommit }),
    sandbox,
    sweeper: new HoldSweeper({
      store,
      clock,
      logger,
      intervalMs: config.sweepIntervalMs,
      onCommit,
      onExpired: (n) => metrics.holdExpiries.inc(n),
    }),
    waitingRoom,
    queueStore,
    shows,
    chat,
    reactions: new ReactionCounter(bus),
    polls,
    giveaways,
    auctions,
    bids: new BidEngine({ store, clock, logger, onCommit }),
    intelligence,
    parties: new PartiesService({
      store,
      clock,
      sales,
      logger: logger.child({ component: 'parties' }),
      onCommit,
    }),
    trending: new TrendingService({ store, clock, sales, shows }),
  };
  const webhooks = new WebhookReceiver({ store, provider: sandbox, orders });
  const pipeline: PipelineDeps = {
    store,
    clock,
    logger: logger.child({ component: 'pipeline' }),
    provider: sandbox,
    orders,
    onCommit,
  };
  const consumers: ConsumerDefinition[] = [
    saleStatsConsumer(store),
    trendingConsumer(store),
    waitingRoomConsumer(waitingRoom),
    auctionsConsumer(auctions),
    ...orderPipelineConsumers(pipeline),
  ];

  const app = Fastify({
    logger: false,
    loggerInstance: logger.child({ component: 'http' }),
    // Per-request info logs cost more than a claim on the hot path; 5xx are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: config.bodyLimitBytes,
    ...serverTimeouts({
      headersTimeoutMs: config.httpHeadersTimeoutMs,
      requestTimeoutMs: config.httpRequestTimeoutMs,
      connectionTimeoutMs: config.httpConnectionTimeoutMs,
    }),
    clientErrorHandler,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    frameworkErrors: frameworkProblem,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  registerSecurityHeaders(app);
  app.setValidatorCompiler(validatorCompiler);
  // The API speaks JSON only: any other body is 415 unsupported_media_type.
  app.removeContentTypeParser('text/plain');
  const servesWeb = servesHttp(config) && config.serveWeb && (await serveWebApp(app));
  registerProblemHandlers(app, servesWeb ? { notFoundFallback: spaFallback } : {});
  // A POST without a body is an empty JSON object: routes whose fields are all optional accept it,
  // and routes with required fields name them ("must have required property …").
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD')
      request.body = {};
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500)
      // The path only: a query string may carry what a log must not (a token, an e-mail).
      request.log.warn({ url: request.url.split('?', 1)[0], status: reply.statusCode }, 'server error');
  });
  for (const schema of [
    Problem,
    UserSchema,
    ProductSchema,
    SaleSchema,
    ReservationSchema,
    OrderSchema,
    ...showSchemas,
    ...auctionSchemas,
  ])
    app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Flashmob API',
        version: '1',
        description: 'Real-time commerce engine. Errors are application/problem+json with a stable `code`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas appear under their `$id` in components.schemas (not def-0, def-1…).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  metrics.instrument(app);
  registerAccessControl(app, tokens);
  const checkoutTotalOf = checkoutTotal(store);
  registerStepUpGate(app, {
    ...services,
    clock,
    orderThresholdCents: config.stepUpOrderCents,
    checkoutTotalOf,
  });
  app.get(
    '/metrics',
    {
      config: { access: 'public', rateLimit: { points: 1_000, windowSeconds: 10, by: 'ip' } },
      schema: { hide: true },
    },
    async (req, reply) => {
      assertMetricsAccess(req, config.metricsToken);
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
  registerRateLimits(app, counters, config.rateLimitScale);

  healthRoutes(
    app,
    {
      store: () => store.ping(),
      bus: () => bus.ready(),
      counters: () => counters.ready(),
      queue: () => (queueStore instanceof RedisQueueStore ? queueStore.ping() : Promise.resolve()),
    },
    () => clock.now(),
  );
  if (servesHttp(config)) {
    authRoutes(app, services.auth);
    auditRoutes(app, store);
    mfaRoutes(app, services);
    passkeyRoutes(app, services, config);
    catalogRoutes(app, services.catalog);
    salesRoutes(app, sales);
    partyRoutes(app, services.parties);
    trendingRoutes(app, services.trending);
    claimRoutes(app, {
      engine: services.engine,
      sales,
      reservations: services.reservations,
      waitlist: services.waitlist,
      participation: (saleId, buyerId) => shows.assertMayClaim(saleId, buyerId),
      admission: admissionGate(
        admissionTokens,
        () => clock.now(),
        (saleId, ticketId) => waitingRoom.admissionRevoked(saleId, ticketId),
      ),
    });
    waitingRoomRoutes(app, { service: waitingRoom, sales });
    showRoutes(app, { shows, follows, chat, reactions: services.reactions, polls, giveaways, intelligence });
    auctionRoutes(app, { auctions, bids: services.bids });
    orderRoutes(app, { checkout: services.checkout, orders });
    pipelineRoutes(app, pipeline);
    paymentRoutes(app, { store, webhooks, sandbox });
    statsRoutes(app, { store, sales });
  }
  const realtime = servesRealtime(config)
    ? new Realtime({
        bus,
        clock,
        logger: logger.child({ component: 'realtime' }),
        tokens,
        sales,
        reservations: services.reservations,
        orders,
        followersAmong: (hostId, userIds) => follows.followersAmong(hostId, userIds),
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
      })
    : undefined;
  const queueChannels = realtime
    ? new QueueChannels(realtime.hub, waitingRoom, logger, () => clock.now())
    : undefined;
  if (realtime && queueChannels) realtime.register(queueChannels);
  const showChannels = realtime
    ? new ShowChannels({
        hub: realtime.hub,
        bus,
        logger,
        now: () => clock.now(),
        tickMs: config.showTickMs,
        rooms: new RoomService(shows, auctions, polls, giveaways),
        shows,
        chat,
        polls,
        giveaways,
        intelligence,
      })
    : undefined;
  if (realtime && showChannels) realtime.register(showChannels, showChannels);
  realtimeRef = realtime;
  realtime?.attach(app);

  // Until the server listens (and on a node without the HTTP API, a worker), the sandbox provider
  // delivers its webhooks in-process, through the same receiver as the route.
  sandbox.setWebhookTransport(async (body, headers) => {
    try {
      await webhooks.receive(body, headers);
      return 200;
    } catch (e) {
      if (isAppError(e)) return e.status;
      logger.warn({ err: toError(e) }, 'sandbox webhook not applied; it will be redelivered');
      return 500;
    }
  });

  const periodic = new Periodic(logger);
  const handles: Array<{ stop(): Promise<void> }> = [];
  let started = false;

  return {
    app,
    config,
    store,
    bus,
    counters,
    clock,
    logger,
    services,
    consumers,
    realtime,
    async start() {
      if (started) return;
      started = true;
      accounts.start();
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
        periodic.every('stale-payments', 30_000, () => orders.failStalePayments());
        // Parties: each occurrence's sale is created a day ahead (and at once on creation).
        periodic.every('party-occurrences', 30_000, () => services.parties.scheduleDue());
        periodic.every('trending-forget', 3_600_000, () => services.trending.forgetCold());
      }
      realtime?.start();
      queueChannels?.start();
      showChannels?.start();
      chat.start();
      moderation.start();
      chatArchive.start();
      services.reactions.start();
      if (runsWorkers(config)) auctions.startSettling();
      if (servesHttp(config) || runsWorkers(config)) waitingRoom.start();
      await bus.start();
    },
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      const port = app.server.address();
      if (port && typeof port === 'object' && servesHttp(config)) {
        const url = `http://127.0.0.1:${port.port}/api/payments/webhook`;
        sandbox.setWebhookTransport(async (body, headers) => {
          const res = await fetch(url, {
            method: 'POST',
            body,
            headers,
            signal: AbortSignal.timeout(10_000),
          });
          return res.status;
        });
      }
      return address;
    },
    async close() {
      // Stop accepting, close sockets with a reconnect hint, finish in-flight claims, stop
      // background work, then the bus and the store.
      queueChannels?.stop();
      showChannels?.stop();
      await realtime?.close();
      await app.close();
      await waitingRoom.stop();
      services.reactions.stop();
      chat.stop();
      moderation.stop();
      await auctions.stop();
      await chatArchive.stop();
      await services.engine.drain();
      await periodic.stop();
      await services.sweeper.stop();
      await Promise.all(handles.map((h) => h.stop()));
      await sandbox.flush();
      await bus.stop();
      accounts.stop();
      await counters.close();
      await chatPace.close();
      await queueStore.close();
      if (ownsStore) await store.close();
    },
  };
}
