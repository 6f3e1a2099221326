import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { sleep } from '../../platform/signal.ts';
import type { Store } from '../../platform/store/store.ts';
import { paymentFingerprint } from './fingerprint.ts';
import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  DeclineReason,
  Installment,
  PaymentProvider,
  PaymentWebhook,
  SettleOutcome,
} from './provider.ts';
import { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

/**
 * SANDBOX payment provider: a simulation for development, tests and demos. It moves no money.
 * It behaves like a real provider: network latency, declines, a 3-D-Secure-style challenge,
 * buy-now-pay-later with an installment plan, idempotent requests, reusable tokens for express
 * checkout, and HMAC-signed webhooks delivered at least once (with retries).
 *
 * Test tokens (docs/payments.md):
 *   card    tok_visa, tok_mastercard → approved; tok_shared → approved, one card every buyer
 *           shares (each other test token is a card of its own per buyer, see fingerprint());
 *           tok_decline → card_declined;
 *           tok_insufficient_funds → insufficient_funds; tok_3ds → challenge (approve or deny it);
 *           tok_capture_fail → approved, but every capture fails
 *   wallet  wallet_ok → approved; wallet_decline → wallet_declined
 *   bnpl    bnpl_approve → approved, 4 installments every 2 weeks; bnpl_decline → bnpl_declined
 *   saved   pm_sandbox_… (returned when saveMethod is asked) → behaves as the card it was made from
 */
export interface SandboxOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly webhookSecret: string;
  /** Simulated network latency per call, uniformly random in [min, max] ms. */
  readonly latencyMs?: { readonly min: number; readonly max: number };
  /** Base URL the buyer is sent to for a challenge. */
  readonly challengeBaseUrl?: string;
}

export type WebhookTransport = (body: string, headers: Record<string, string>) => Promise<number>;

const CARD_LABELS: Record<string, string> = {
  tok_visa: 'Visa •••• 4242',
  tok_mastercard: 'Mastercard •••• 4444',
  tok_capture_fail: 'Visa •••• 0341',
  tok_3ds: 'Visa •••• 3155',
  tok_shared: 'Visa •••• 1881',
};

interface Ledger {
  ref: string;
  order_id: string;
  token: string;
  label: string;
  amount_cents: number;
  captured_cents: number;
  refunded_cents: number;
  status: 'authorized' | 'declined' | 'requires_action' | 'captured' | 'voided' | 'refunded';
  outcome: AuthorizeOutcome;
}

export function installmentPlan(
  amountCents: number,
  startMs: number,
  count = 4,
  everyDays = 14,
): Installment[] {
  const base = Math.floor(amountCents / count);
  return Array.from({ length: count }, (_, i) => ({
    dueDate: new Date(startMs + i * everyDays * 86_400_000).toISOString().slice(0, 10),
    amountCents: i === 0 ? amountCents - base * (count - 1) : base,
  }));
}

export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private transport: WebhookTransport | undefined;
  private readonly deliveries = new Set<Promise<void>>();

  constructor(private readonly o: SandboxOptions) {}

  /** Where webhooks go (the composition root points it at this server's webhook route). */
  setWebhookTransport(transport: WebhookTransport): void {
    this.transport = transport;
  }

  private async latency(): Promise<void> {
    const { min, max } = this.o.latencyMs ?? { min: 40, max: 180 };
    if (max > 0) await sleep(min + (max > min ? randomInt(max - min + 1) : 0));
  }

  /**
   * Every tester pays with the same few test tokens, which on a real provider would be the same
   * card for everyone and trip card velocity at once; here each buyer's test card is their own,
   * except tok_shared, one card shared by every buyer (to exercise card velocity).
   */
  fingerprint(token: string, buyerId: string): string {
    return paymentFingerprint(this.name, token === 'tok_shared' ? token : `${buyerId}:${token}`);
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeOutcome> {
    await this.latency();
    const [prior] = await this.o.store.query<{ outcome: AuthorizeOutcome }>(
      'select outcome from sandbox_payments where idempotency_key = $1',
      [req.idempotencyKey],
    );
    if (prior) return prior.outcome;
    const ref = `sbx_${newId('payment').slice(4)}`;
    const outcome = await this.decide(req, ref);
    const status = outcome.status;
    const label = outcome.status === 'declined' ? (CARD_LABELS[req.token] ?? req.method) : outcome.label;
    const inserted = await this.o.store.query<{ outcome: AuthorizeOutcome }>(
      `insert into sandbox_payments (ref, idempotency_key, order_id, method, token, label, amount_cents, currency, status, outcome)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (idempotency_key) do nothing returning outcome`,
      [
        ref,
        req.idempotencyKey,
        req.orderId,
        req.method,
        req.token,
        label,
        req.amountCents,
        req.currency,
        status,
        JSON.stringify(outcome),
      ],
    );
    if (inserted.length === 0) {
      const [winner] = await this.o.store.query<{ outcome: AuthorizeOutcome }>(
        'select outcome from sandbox_payments where idempotency_key = $1',
        [req.idempotencyKey],
      );
      return (winner as { outcome: AuthorizeOutcome }).outcome;
    }
    if (outcome.status === 'authorized') {
      this.emit({
        type: 'payment.authorized',
        ref,
        orderId: req.orderId,
        label: outcome.label,
        ...(outcome.savedToken ? { savedToken: outcome.savedToken } : {}),
      });
    } else if (outcome.status === 'declined') {
      this.emit({ type: 'payment.failed', ref, orderId: req.orderId, reason: outcome.reason });
    }
    return outcome;
  }

  private async decide(req: AuthorizeRequest, ref: string): Promise<AuthorizeOutcome> {
    let token = req.token;
    if (token.startsWith('pm_sandbox_')) {
      const [saved] = await this.o.store.query<{ token: string }>(
        `select token from sandbox_payments where outcome->>'savedToken' = $1 limit 1`,
        [token],
      );
      if (!saved) return decline(ref, 'invalid_token', 'Unknown saved payment method');
      token = saved.token;
    }
    const savedToken = req.saveMethod ? `pm_sandbox_${newId('paymentMethod').slice(3)}` : undefined;
    const approved = (
      label: string,
      extra: Partial<Extract<AuthorizeOutcome, { status: 'authorized' }>> = {},
    ) =>
      ({
        status: 'authorized',
        ref,
        label,
        ...(savedToken ? { savedToken } : {}),
        ...extra,
      }) as AuthorizeOutcome;
    switch (req.method) {
      case 'card':
        if (
          token === 'tok_visa' ||
          token === 'tok_mastercard' ||
          token === 'tok_capture_fail' ||
          token === 'tok_shared'
        ) {
          return approved(CARD_LABELS[token] as string);
        }
        if (token === 'tok_decline') return decline(ref, 'card_declined', 'The card was declined');
        if (token === 'tok_insufficient_funds')
          return decline(ref, 'insufficient_funds', 'Insufficient funds');
        if (token === 'tok_3ds') {
          const base = this.o.challengeBaseUrl ?? '';
          return {
            status: 'requires_action',
            ref,
            label: CARD_LABELS.tok_3ds as string,
            nextAction: { type: 'challenge', url: `${base}/api/payments/sandbox/challenges/${ref}` },
          };
        }
        return decline(ref, 'invalid_token', 'Unknown card token');
      case 'wallet':
        if (token === 'wallet_ok') return approved('Wallet');
        if (token === 'wallet_decline')
          return decline(ref, 'wallet_declined', 'The wallet declined the payment');
        return decline(ref, 'invalid_token', 'Unknown wallet token');
      case 'bnpl':
        if (token === 'bnpl_approve') {
          return approved('Pay in 4', { installments: installmentPlan(req.amountCents, this.o.clock.now()) });
        }
        if (token === 'bnpl_decline') return decline(ref, 'bnpl_declined', 'Pay later was not approved');
        return decline(ref, 'invalid_token', 'Unknown pay-later token');
    }
  }

  /** The buyer passes or fails the challenge on the "bank's page". */
  async completeChallenge(ref: string, approve: boolean): Promise<{ status: string }> {
    await this.latency();
    const rows = await this.o.store.query<Ledger>(
      `update sandbox_payments set status = $2,
         outcome = case when $2 = 'authorized'
           then jsonb_build_object('status', 'authorized', 'ref', ref, 'label', label)
           else jsonb_build_object('status', 'declined', 'ref', ref, 'reason', 'challenge_failed',
                                   'message', 'The challenge was not passed') end
       where ref = $1 and status = 'requires_action' returning *`,
      [ref, approve ? 'authorized' : 'declined'],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'No challenge is pending for this payment');
    this.emit(
      approve
        ? { type: 'payment.authorized', ref, orderId: row.order_id, label: row.label }
        : { type: 'payment.failed', ref, orderId: row.order_id, reason: 'challenge_failed' },
    );
    return { status: row.status };
  }

  async capture(ref: string, amountCents: number): Promise<SettleOutcome> {
    await this.latency();
    const [row] = await this.o.store.query<Ledger>('select * from sandbox_payments where ref = $1', [ref]);
    if (!row) return { ok: false, reason: 'unknown payment' };
    if (row.status === 'captured' && row.captured_cents === amountCents) return { ok: true };
    if (row.status !== 'authorized') return { ok: false, reason: `payment is ${row.status}` };
    if (row.token === 'tok_capture_fail') return { ok: false, reason: 'issuer unavailable' };
    if (amountCents > row.amount_cents) return { ok: false, reason: 'amount exceeds authorization' };
    // Atomic, as a provider's own ledger is: of two concurrent captures, one captures and the
    // other finds it captured (the same answer, no second webhook).
    const [captured] = await this.o.store.query<Ledger>(
      `update sandbox_payments set status = 'captured', captured_cents = $2
       where ref = $1 and status = 'authorized' returning *`,
      [ref, amountCents],
    );
    if (!captured) return this.capture(ref, amountCents);
    this.emit({ type: 'payment.captured', ref, orderId: row.order_id });
    return { ok: true };
  }

  async void(ref: string): Promise<SettleOutcome> {
    await this.latency();
    const rows = await this.o.store.query<Ledger>(
      `update sandbox_payments set status = 'voided' where ref = $1 and status in ('authorized', 'requires_action', 'voided') returning *`,
      [ref],
    );
    if (!rows[0]) return { ok: false, reason: 'payment cannot be voided' };
    this.emit({ type: 'payment.voided', ref, orderId: rows[0].order_id });
    return { ok: true };
  }

  async refund(ref: string, amountCents: number): Promise<SettleOutcome> {
    await this.latency();
    const rows = await this.o.store.query<Ledger>(
      `update sandbox_payments set status = 'refunded', refunded_cents = refunded_cents + $2
       where ref = $1 and status in ('captured', 'refunded') and refunded_cents + $2 <= captured_cents returning *`,
      [ref, amountCents],
    );
    if (!rows[0]) return { ok: false, reason: 'nothing to refund' };
    this.emit({ type: 'payment.refunded', ref, orderId: rows[0].order_id });
    return { ok: true };
  }

  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): PaymentWebhook {
    const header = headers[SIGNATURE_HEADER];
    verifyWebhookSignature(
      this.o.webhookSecret,
      rawBody,
      Array.isArray(header) ? header[0] : header,
      this.o.clock.now(),
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch (e) {
      throw new AppError('malformed_json', 'Webhook body is not JSON', { cause: e });
    }
    const w = parsed as Partial<PaymentWebhook>;
    if (
      typeof w.id !== 'string' ||
      typeof w.type !== 'string' ||
      typeof w.ref !== 'string' ||
      typeof w.orderId !== 'string'
    ) {
      throw new AppError('validation_failed', 'Webhook body lacks id, type, ref or orderId');
    }
    return w as PaymentWebhook;
  }

  private emit(event: Omit<PaymentWebhook, 'id'>): void {
    const body = JSON.stringify({ id: `whe_${newId('event').slice(4)}`, ...event });
    const delivery = this.deliver(body).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** At-least-once delivery: retried with backoff until the receiver answers 2xx. */
  private async deliver(body: string): Promise<void> {
    await this.latency();
    for (let attempt = 1, delay = 200; attempt <= 6; attempt++, delay *= 2) {
      const transport = this.transport;
      if (!transport) return;
      try {
        const headers = {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(this.o.webhookSecret, body, this.o.clock.now()),
        };
        const status = await transport(body, headers);
        if (status >= 200 && status < 300) return;
        this.o.logger.warn({ status, attempt }, 'sandbox webhook refused; retrying');
      } catch (e) {
        this.o.logger.warn({ err: toError(e), attempt }, 'sandbox webhook delivery failed; retrying');
      }
      await sleep(delay);
    }
  }

  /** Waits for webhooks in flight (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }
}

function decline(ref: string, reason: DeclineReason, message: string): AuthorizeOutcome {
  return { status: 'declined', ref, reason, message };
}
