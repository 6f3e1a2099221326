import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS, STEP_UP } from '../../platform/http/shared.ts';
import type { Chore } from '../../platform/periodic.ts';
import type { Ports } from '../../platform/ports.ts';
import type { PaymentProvider } from '../payments/index.ts';
import { CheckoutService } from './checkout.ts';
import { checkoutTotal } from './checkout-total.ts';
import { orderRoutes } from './routes.ts';
import { OrdersService } from './service.ts';

export interface OrdersModule {
  readonly orders: OrdersService;
  readonly checkout: CheckoutService;
  /** For the step-up gate: what a checkout request would order, in minor units. */
  readonly checkoutTotalOf: (buyerId: string, body: unknown) => Promise<number>;
  /** Worker chores: payments left pending too long fail (their stock goes back). */
  readonly chores: readonly Chore[];
}

/** Orders and checkout of one node, paid through `provider`. */
export function createOrders(p: Omit<Ports, 'bus'>, o: { readonly provider: PaymentProvider }): OrdersModule {
  const { store, clock, logger, onCommit } = p;
  const orders = new OrdersService(store, clock, onCommit);
  return {
    orders,
    checkout: new CheckoutService({ store, clock, logger, provider: o.provider, orders, onCommit }),
    checkoutTotalOf: checkoutTotal(store),
    chores: [{ name: 'stale-payments', everyMs: 30_000, run: () => orders.failStalePayments() }],
  };
}

const orders: AppPluginFn<Pick<OrdersModule, 'orders' | 'checkout'>> = async (app, m) => orderRoutes(app, m);

/** Checkout and the buyer's orders: the orders module's routes (checkout may ask for a step-up). */
export const ordersPlugin = fp(orders, {
  name: 'flashmob-orders',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS, STEP_UP],
});
