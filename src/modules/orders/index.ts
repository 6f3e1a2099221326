/** The orders module's public entry: other modules and the app import only this file. */

export { type Award, createAwardOrder } from './award-orders.ts';
export { type CancelledBy, cancelOrder, refundOrder } from './cancellation.ts';
export { CheckoutService } from './checkout.ts';
export { checkoutTotal } from './checkout-total.ts';
export { cancelSellerLines } from './line-cancellation.ts';
export { type LockedOrder, lockOrder, setOrderPayment } from './locked-order.ts';
export { type OrderEventType, orderEvent } from './order-events.ts';
export { createOrders, type OrdersModule, ordersPlugin } from './plugin.ts';
export { OrderSchema, orderRoutes } from './routes.ts';
export { OrdersService } from './service.ts';
export type { Order, OrderPayment, Shipping } from './types.ts';
