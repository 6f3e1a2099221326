/** The auctions module's public entry: other modules and the app import only this file. */
export { BidEngine } from './bid-engine.ts';
export { auctionsConsumer } from './consumer.ts';
export { type AuctionsModule, auctionsPlugin, createAuctions } from './plugin.ts';
export { auctionRoutes } from './routes.ts';
export { auctionSchemas } from './schemas.ts';
export { AuctionsService } from './service.ts';
export type { AuctionView } from './types.ts';
