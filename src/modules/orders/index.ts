/** The orders module's public entry: other modules and the app import only this file. */

// The stock an order held goes back through the claims module, which owns it.
export { returnOrderStock } from '../claims/index.ts';
export { CheckoutService } from './checkout.ts';
export { checkoutTotal } from './checkout-total.ts';
export { OrderSchema, orderRoutes } from './routes.ts';
export { OrdersService } from './service.ts';
export type { Order, OrderPayment, Shipping } from './types.ts';
