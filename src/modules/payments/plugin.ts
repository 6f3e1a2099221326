import fp from 'fastify-plugin';
import { isAppError, toError } from '../../platform/errors.ts';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Ports } from '../../platform/ports.ts';
import type { Store } from '../../platform/store/store.ts';
import { paymentRoutes } from './routes.ts';
import type { SandboxPaymentProvider } from './sandbox-provider.ts';
import { WebhookReceiver, type WebhookSink } from './webhook-receiver.ts';

export interface PaymentsModule {
  readonly store: Store;
  readonly sandbox: SandboxPaymentProvider;
  readonly webhooks: WebhookReceiver;
}

/**
 * The webhook receiver of the sandbox provider's callbacks, applied to `orders`. Until the server
 * listens (and on a node without the HTTP API, a worker), the sandbox delivers its webhooks
 * in-process, through the same receiver as the route; `deliverWebhooksOverHttp` switches it.
 */
export function createPayments(
  p: Pick<Ports, 'store' | 'logger'>,
  o: { readonly sandbox: SandboxPaymentProvider; readonly orders: WebhookSink },
): PaymentsModule {
  const webhooks = new WebhookReceiver({ store: p.store, provider: o.sandbox, orders: o.orders });
  o.sandbox.setWebhookTransport(async (body, headers) => {
    try {
      await webhooks.receive(body, headers);
      return 200;
    } catch (e) {
      if (isAppError(e)) return e.status;
      p.logger.warn({ err: toError(e) }, 'sandbox webhook not applied; it will be redelivered');
      return 500;
    }
  });
  return { store: p.store, sandbox: o.sandbox, webhooks };
}

/** Once the server listens: the sandbox calls the webhook route at `url`, like a real provider. */
export function deliverWebhooksOverHttp(sandbox: SandboxPaymentProvider, url: string): void {
  sandbox.setWebhookTransport(async (body, headers) => {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(10_000),
    });
    return res.status;
  });
}

const payments: AppPluginFn<PaymentsModule> = async (app, m) => paymentRoutes(app, m);

/** Saved payment methods, the provider's webhook and the sandbox's challenges. */
export const paymentsPlugin = fp(payments, {
  name: 'flashmob-payments',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
