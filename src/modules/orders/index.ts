/** The orders module's public entry: other modules and the app import only this file. */

export { CheckoutService } from './checkout.ts';
export { checkoutTotal } from './checkout-total.ts';
export { returnOrderStock } from './order-stock.ts';
export { createOrders, type OrdersModule, ordersPlugin } from './plugin.ts';
export { OrderSchema, orderRoutes } from './routes.ts';
export { OrdersService } from './service.ts';
export type { Order, OrderPayment, Shipping } from './types.ts';
