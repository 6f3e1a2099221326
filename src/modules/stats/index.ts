/** The stats module's public entry: other modules and the app import only this file. */

export { createStats, type StatsModule, statsPlugin } from './plugin.ts';
export { statsRoutes } from './routes.ts';
export { saleStatsConsumer } from './sale-stats.ts';
