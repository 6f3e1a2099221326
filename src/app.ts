import { type Deps, openAdapters } from './composition/adapters.ts';
import { createServer } from './composition/http.ts';
import { createModules } from './composition/modules.ts';
import { type Flashmob, node } from './composition/node.ts';
import { createRealtime, type RealtimeLayer } from './composition/realtime.ts';
import { servesHttp, servesRealtime } from './composition/roles.ts';
import type { Config } from './config.ts';
import { auctionSchemas, auctionsPlugin } from './modules/auctions/index.ts';
import { auditPlugin } from './modules/audit/index.ts';
import { authPlugin, stepUpGate, UserSchema } from './modules/auth/index.ts';
import { catalogPlugin, ProductSchema } from './modules/catalog/index.ts';
import { claimsPlugin, ReservationSchema } from './modules/claims/index.ts';
import { OrderSchema, ordersPlugin } from './modules/orders/index.ts';
import { partiesPlugin } from './modules/parties/index.ts';
import { paymentsPlugin } from './modules/payments/index.ts';
import { pipelinePlugin } from './modules/pipeline/index.ts';
import { SaleSchema, salesPlugin } from './modules/sales/index.ts';
import { showSchemas, showsPlugin } from './modules/shows/index.ts';
import { statsPlugin } from './modules/stats/index.ts';
import { trendingPlugin } from './modules/trending/index.ts';
import { waitingRoomPlugin } from './modules/waiting-room/index.ts';
import { healthRoutes } from './platform/http/health.ts';
import { Problem } from './platform/http/schemas.ts';
import { accessControl, httpFoundation, metricsEndpoint, rateLimits } from './platform/http/shared.ts';
import { Metrics } from './platform/metrics.ts';

export type { Deps } from './composition/adapters.ts';
export type { Services } from './composition/modules.ts';
export type { Flashmob } from './composition/node.ts';
export { servesHttp } from './composition/roles.ts';

/** Schemas the routes of several modules refer to by name: they are the OpenAPI components. */
const SHARED_SCHEMAS = [
  Problem,
  UserSchema,
  ProductSchema,
  SaleSchema,
  ReservationSchema,
  OrderSchema,
  ...showSchemas,
  ...auctionSchemas,
];

/**
 * The composition root: the adapters the configuration selects, every module built by its own
 * factory, the shared HTTP concerns, then each module's plugin (on the roles that serve the API),
 * and the real-time layer. Not yet listening; `start()` starts what the node's role runs.
 */
export async function buildApp(config: Config, deps: Deps = {}): Promise<Flashmob> {
  const a = await openAdapters(config, deps);
  let rt: RealtimeLayer | undefined;
  const metrics = new Metrics({
    store: a.store,
    lag: () => a.bus.lag(),
    deadLetters: async () => (await a.bus.listDeadLetters()).length,
    wsConnections: () => rt?.realtime.gateway.connectionCount ?? 0,
  });
  const m = createModules(config, a, metrics, deps);
  const { services } = m;

  // Shared concerns first (not encapsulated: every module plugin inherits them), swagger among
  // them so that it sees every route; then each module as an encapsulated plugin.
  const app = createServer(config, a.logger);
  await app.register(httpFoundation, {
    serveWeb: servesHttp(config) && config.serveWeb,
    schemas: SHARED_SCHEMAS,
  });
  await app.register(accessControl, { tokens: services.tokens });
  await app.register(stepUpGate, {
    ...services,
    clock: a.clock,
    orderThresholdCents: config.stepUpOrderCents,
    checkoutTotalOf: m.orders.checkoutTotalOf,
  });
  await app.register(metricsEndpoint, { metrics, token: config.metricsToken });
  await app.register(rateLimits, { counters: a.counters, scale: config.rateLimitScale });
  healthRoutes(app, a.readiness, () => a.clock.now());
  if (servesHttp(config)) {
    await app.register(authPlugin, { ...services, relyingParty: config });
    await app.register(auditPlugin, { store: a.store });
    await app.register(catalogPlugin, m.catalog);
    await app.register(salesPlugin, { sales: services.sales });
    await app.register(partiesPlugin, m.parties);
    await app.register(trendingPlugin, m.trending);
    await app.register(claimsPlugin, {
      ...m.claims,
      sales: services.sales,
      participation: (saleId, buyerId) => services.shows.assertMayClaim(saleId, buyerId),
      admission: m.waitingRoom.admission,
    });
    await app.register(waitingRoomPlugin, m.waitingRoom);
    await app.register(showsPlugin, m.shows);
    await app.register(auctionsPlugin, m.auctions);
    await app.register(ordersPlugin, m.orders);
    await app.register(pipelinePlugin, m.pipeline);
    await app.register(paymentsPlugin, m.payments);
    await app.register(statsPlugin, m.stats);
  }
  rt = servesRealtime(config) ? createRealtime(config, a, m, metrics) : undefined;
  rt?.realtime.attach(app);
  return node(config, a, m, app, rt);
}
