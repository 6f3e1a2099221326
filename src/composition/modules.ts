import type { Config } from '../config.ts';
import { type AuctionsService, type BidEngine, createAuctions } from '../modules/auctions/index.ts';
import { type AuthService, createAuth, type SecondFactor, type TokenService } from '../modules/auth/index.ts';
import { type CatalogService, createCatalog } from '../modules/catalog/index.ts';
import {
  type ClaimEngine,
  createClaims,
  type HoldSweeper,
  insertSaleItems,
  type ReservationsService,
  type WaitlistService,
} from '../modules/claims/index.ts';
import { type CheckoutService, createOrders, type OrdersService } from '../modules/orders/index.ts';
import { createParties, type PartiesService } from '../modules/parties/index.ts';
import { createPayments, type SandboxPaymentProvider } from '../modules/payments/index.ts';
import { createPipeline } from '../modules/pipeline/index.ts';
import { createSales, type SalesService } from '../modules/sales/index.ts';
import {
  type ChatService,
  createShows,
  type GiveawaysService,
  type PollsService,
  type ReactionCounter,
  type RoomIntelligence,
  type ShowsService,
} from '../modules/shows/index.ts';
import { createStats } from '../modules/stats/index.ts';
import { createTrending, type TrendingService } from '../modules/trending/index.ts';
import {
  createWaitingRoom,
  type QueueStore,
  type WaitingRoomService,
} from '../modules/waiting-room/index.ts';
import type { ConsumerDefinition } from '../platform/bus/consumer-def.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { Chore } from '../platform/periodic.ts';
import { secretFromDataDir } from '../platform/secrets.ts';
import type { Adapters, Deps } from './adapters.ts';

/** The services of one node, by name (tests, the CLI and the demo seed reach them here). */
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

/**
 * Every module of one node, each built once by its own factory, in dependency order. A module's
 * result is also its plugin's options (buildApp registers the plugins).
 */
export function createModules(config: Config, a: Adapters, metrics: Metrics, deps: Deps) {
  const auth = createAuth({
    store: a.store,
    bus: a.bus,
    clock: a.clock,
    jwtSecret: secretFromDataDir(config.jwtSecret, config.dataDir, 'jwt'),
    passwordParams: deps.passwordParams,
  });
  const catalog = createCatalog(a);
  const { sales } = createSales(a, { writeItems: insertSaleItems });
  const orders = createOrders(a, { provider: a.sandbox });
  const waitingRoom = createWaitingRoom(a, {
    queueStore: a.queueStore,
    sales,
    secretKey: auth.tokens.secretKey,
  });
  const claims = createClaims(a, {
    sales,
    metrics,
    batchMax: config.claimBatchMax,
    batchWaitMs: config.claimBatchWaitMs,
    sweepIntervalMs: config.sweepIntervalMs,
  });
  const shows = createShows(a, { sales, engine: claims.engine, pace: a.chatPace });
  const auctions = createAuctions(a, { shows: shows.shows });
  const parties = createParties(a, { sales });
  const trending = createTrending(a, { sales, shows: shows.shows });
  const stats = createStats(a, { sales });
  const payments = createPayments(a, { sandbox: a.sandbox, orders: orders.orders });
  const pipeline = createPipeline({
    store: a.store,
    clock: a.clock,
    onCommit: a.onCommit,
    logger: a.logger.child({ component: 'pipeline' }),
    provider: a.sandbox,
    orders: orders.orders,
  });
  const services: Services = {
    auth: auth.auth,
    tokens: auth.tokens,
    mfa: auth.mfa,
    stepUpProofs: auth.stepUpProofs,
    passkeys: auth.passkeys,
    catalog: catalog.catalog,
    sales,
    engine: claims.engine,
    reservations: claims.reservations,
    waitlist: claims.waitlist,
    orders: orders.orders,
    checkout: orders.checkout,
    sandbox: a.sandbox,
    sweeper: claims.sweeper,
    waitingRoom: waitingRoom.waitingRoom,
    queueStore: a.queueStore,
    shows: shows.shows,
    chat: shows.chat,
    reactions: shows.reactions,
    polls: shows.polls,
    giveaways: shows.giveaways,
    auctions: auctions.auctions,
    bids: auctions.bids,
    intelligence: shows.intelligence,
    parties: parties.parties,
    trending: trending.trending,
  };
  const consumers: ConsumerDefinition[] = [
    ...stats.consumers,
    ...trending.consumers,
    ...waitingRoom.consumers,
    ...auctions.consumers,
    ...pipeline.consumers,
  ];
  const chores: Chore[] = [...orders.chores, ...parties.chores, ...trending.chores];
  return {
    services,
    consumers,
    chores,
    auth,
    catalog,
    orders,
    waitingRoom,
    claims,
    shows,
    auctions,
    parties,
    trending,
    stats,
    payments,
    pipeline,
  };
}

export type Modules = ReturnType<typeof createModules>;
