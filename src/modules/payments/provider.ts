/**
 * The PaymentProvider port. Checkout authorises through it (outside any stock lock); the order
 * pipeline captures, voids and refunds through it; its webhooks are verified before they count.
 */
export const PAYMENT_METHODS = ['card', 'wallet', 'bnpl'] as const;
export type PaymentMethodKind = (typeof PAYMENT_METHODS)[number];

export interface Installment {
  readonly dueDate: string;
  readonly amountCents: number;
}

export interface AuthorizeRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly method: PaymentMethodKind;
  readonly token: string;
  /** The provider returns the first outcome again for a repeated key: no double charge. */
  readonly idempotencyKey: string;
  /** Ask for a reusable token for express checkout next time. */
  readonly saveMethod?: boolean;
}

export type DeclineReason =
  | 'card_declined'
  | 'insufficient_funds'
  | 'bnpl_declined'
  | 'wallet_declined'
  | 'challenge_failed'
  | 'invalid_token';

export type AuthorizeOutcome =
  | {
      readonly status: 'authorized';
      readonly ref: string;
      readonly label: string;
      readonly installments?: Installment[];
      readonly savedToken?: string;
    }
  | {
      readonly status: 'declined';
      readonly ref: string;
      readonly reason: DeclineReason;
      readonly message: string;
    }
  | {
      readonly status: 'requires_action';
      readonly ref: string;
      readonly label: string;
      readonly nextAction: { readonly type: 'challenge'; readonly url: string };
    };

export type SettleOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A provider's callback, after its signature was verified. */
export interface PaymentWebhook {
  readonly id: string;
  readonly type:
    | 'payment.authorized'
    | 'payment.failed'
    | 'payment.captured'
    | 'payment.refunded'
    | 'payment.voided';
  readonly ref: string;
  readonly orderId: string;
  readonly reason?: DeclineReason;
  readonly savedToken?: string;
  readonly label?: string;
}

export interface PaymentProvider {
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  capture(ref: string, amountCents: number): Promise<SettleOutcome>;
  void(ref: string): Promise<SettleOutcome>;
  refund(ref: string, amountCents: number): Promise<SettleOutcome>;
  /**
   * Who pays: the same value for the same card (or wallet, or pay-later account) however many
   * tokens stand for it, for the fraud rules' card velocity. Never the token itself.
   */
  fingerprint(token: string, buyerId: string): string;
  /** Verifies the signature (throws AppError invalid_signature) and parses the body. */
  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): PaymentWebhook;
}
