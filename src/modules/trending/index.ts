/** The trending module's public entry: other modules and the app import only this file. */
export { trendingConsumer } from './consumer.ts';
export { createTrending, type TrendingModule, trendingPlugin } from './plugin.ts';
export { trendingRoutes } from './routes.ts';
export { TrendingService } from './service.ts';
