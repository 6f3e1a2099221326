import type { Store } from '../../platform/store/store.ts';
import type { PaymentProvider, PaymentWebhook } from './provider.ts';

/** Who applies a verified webhook to its payment (the orders module, wired by the app). */
export interface WebhookSink {
  applyWebhook(webhook: PaymentWebhook): Promise<void>;
}

/**
 * Receives one provider webhook: verifies its signature over the exact bytes (throws AppError
 * invalid_signature), records its id so that a redelivery is a no-op, and applies it to the order.
 * The HTTP route calls this; so does a node without the HTTP API (a worker) for the sandbox's
 * own deliveries.
 */
export class WebhookReceiver {
  constructor(private readonly d: { store: Store; provider: PaymentProvider; orders: WebhookSink }) {}

  async receive(
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ duplicate: boolean }> {
    const webhook = this.d.provider.verifyWebhook(rawBody, headers);
    const fresh = await this.d.store.query(
      'insert into webhook_receipts (provider, event_id) values ($1, $2) on conflict do nothing returning event_id',
      [this.d.provider.name, webhook.id],
    );
    if (fresh.length === 0) return { duplicate: true };
    try {
      await this.d.orders.applyWebhook(webhook);
    } catch (e) {
      // Not applied: forget the receipt so that the provider's retry is applied.
      await this.d.store.query('delete from webhook_receipts where provider = $1 and event_id = $2', [
        this.d.provider.name,
        webhook.id,
      ]);
      throw e;
    }
    return { duplicate: false };
  }
}
