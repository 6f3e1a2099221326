import fp from 'fastify-plugin';
import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Ports } from '../../platform/ports.ts';
import type { ShowsService } from '../shows/index.ts';
import { BidEngine } from './bid-engine.ts';
import { auctionsConsumer } from './consumer.ts';
import { auctionRoutes } from './routes.ts';
import { AuctionsService } from './service.ts';

export interface AuctionsModule {
  /** Auctions in shows; settles those past their end on worker nodes (`startSettling`). */
  readonly auctions: AuctionsService;
  readonly bids: BidEngine;
  /** The runner-up offer when a winner's payment fails. */
  readonly consumers: readonly ConsumerDefinition[];
}

/** The auctions of one node: the service, the bid engine and the runner-up consumer. */
export function createAuctions(p: Omit<Ports, 'bus'>, o: { readonly shows: ShowsService }): AuctionsModule {
  const { store, clock, logger, onCommit } = p;
  const auctions = new AuctionsService({ store, clock, logger, shows: o.shows, onCommit });
  return {
    auctions,
    bids: new BidEngine({ store, clock, logger, onCommit }),
    consumers: [auctionsConsumer(auctions)],
  };
}

const auctions: AppPluginFn<AuctionsModule> = async (app, m) => auctionRoutes(app, m);

/** Auctions and bids: the auctions module's routes. */
export const auctionsPlugin = fp(auctions, {
  name: 'flashmob-auctions',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
