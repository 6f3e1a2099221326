import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import type { AuctionsService } from './service.ts';

/** Offers an auction's item to the runner-up when the winner's payment fails (idempotent: the order moves on). */
export function auctionsConsumer(auctions: AuctionsService): ConsumerDefinition {
  return {
    name: 'auctions',
    types: ['order.payment_failed'],
    handle: (event) => auctions.onPaymentFailed(String(event.payload['orderId'])),
  };
}
