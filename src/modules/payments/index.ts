/** The payments module's public entry: other modules and the app import only this file. */

export { createPayments, deliverWebhooksOverHttp, type PaymentsModule, paymentsPlugin } from './plugin.ts';
export {
  type AuthorizeOutcome,
  type Installment,
  PAYMENT_METHODS,
  type PaymentMethodKind,
  type PaymentProvider,
  type PaymentWebhook,
} from './provider.ts';
export { paymentRoutes } from './routes.ts';
export { SandboxPaymentProvider } from './sandbox-provider.ts';
export { WebhookReceiver } from './webhook-receiver.ts';
