import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { ErrorCode } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/store.ts';
import type { SalesService } from '../sales/index.ts';
import type { Reservation } from './types.ts';

export interface ClaimRequest {
  readonly saleId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly buyerId: string;
  readonly idempotencyKey: string;
}

export type ClaimResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly replayed: boolean }
  | {
      readonly ok: false;
      readonly code: Extract<
        ErrorCode,
        'sold_out' | 'limit_exceeded' | 'not_started' | 'ended' | 'idempotency_conflict'
      >;
      readonly message: string;
      readonly extra?: Record<string, unknown>;
    };

/** How a batch was committed: on the state it read, or under the item's row lock. */
export type BatchPath = 'optimistic' | 'locked';

export interface ClaimMetrics {
  batch(size: number, path: BatchPath): void;
  outcome(code: string): void;
}

export interface ClaimEngineOptions {
  readonly store: Store;
  readonly sales: SalesService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly batchMax: number;
  readonly batchWaitMs: number;
  /** Called after every commit that wrote events (kicks the outbox relay). */
  readonly onCommit: () => void;
  readonly metrics?: ClaimMetrics;
}
