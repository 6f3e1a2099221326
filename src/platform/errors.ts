/**
 * The error catalogue: every stable `code` a client can receive, with its HTTP status.
 * The map is total (`Record<ErrorCode, number>`), so a code without a status does not compile.
 * Listed for humans in docs/errors.md.
 */
export const ERROR_STATUS = {
  // request shape
  validation_failed: 400,
  malformed_json: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  rate_limited: 429,
  request_timeout: 408,
  // auth
  unauthenticated: 401,
  invalid_token: 401,
  invalid_credentials: 401,
  forbidden: 403,
  email_taken: 409,
  account_suspended: 403,
  self_change_forbidden: 403,
  // second factor and step-up
  step_up_required: 403,
  invalid_code: 403,
  mfa_already_active: 409,
  mfa_not_active: 409,
  passkey_rejected: 422,
  // catalog and sales
  sku_taken: 409,
  unknown_sku: 422,
  invalid_sale: 422,
  invalid_party: 422,
  party_ended: 409,
  // claims
  not_started: 409,
  ended: 410,
  sold_out: 409,
  limit_exceeded: 409,
  not_admitted: 403,
  idempotency_conflict: 422,
  // reservations, waitlist
  reservation_not_held: 409,
  already_waitlisted: 409,
  not_sold_out: 409,
  not_waiting: 409,
  // checkout and payment
  reservation_unavailable: 409,
  currency_mismatch: 422,
  payment_declined: 402,
  payment_method_missing: 422,
  invalid_signature: 401,
  // order pipeline
  order_not_cancellable: 409,
  order_not_refundable: 409,
  not_in_review: 409,
  order_not_shipped: 409,
  // waiting room
  pow_invalid: 403,
  pow_expired: 410,
  pow_insufficient: 403,
  pow_required: 428,
  queue_not_open: 409,
  no_waiting_room: 404,
  // live shows
  show_not_live: 409,
  show_ended: 410,
  invalid_auction: 422,
  auction_not_started: 409,
  auction_ended: 410,
  bid_too_low: 409,
  already_highest: 409,
  own_auction: 403,
  invalid_amount: 422,
  auction_running: 409,
  invalid_poll: 422,
  poll_closed: 409,
  invalid_option: 422,
  already_voted: 409,
  giveaway_closed: 409,
  chat_rate_limited: 429,
  slow_mode: 429,
  muted: 403,
  banned: 403,
  // real time
  too_many_connections: 429,
  too_many_subscriptions: 429,
  // infrastructure
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  readonly detail?: string;
  readonly extra?: Record<string, unknown>;
  readonly cause?: unknown;
  readonly headers?: Record<string, string>;
}

/** A failure with a stable code; rendered as application/problem+json (RFC 9457). */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Normalise whatever was thrown into an Error (catch blocks, WS `error`, consumers). */
export function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}

/** A business outcome returned, not thrown (sold out, limit exceeded, outbid…). */
export type Result<T, C extends ErrorCode = ErrorCode> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly code: C;
      readonly message: string;
      readonly extra?: Record<string, unknown>;
    };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <C extends ErrorCode>(code: C, message: string, extra?: Record<string, unknown>) =>
  ({ ok: false, code, message, ...(extra ? { extra } : {}) }) as const;
