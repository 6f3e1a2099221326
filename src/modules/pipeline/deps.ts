import type { Logger } from 'pino';
import type { FraudRules } from '../../domain/fraud.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Store } from '../../platform/store/store.ts';
import type { OrdersService } from '../orders/index.ts';
import type { PaymentProvider } from '../payments/index.ts';

/** What the order pipeline's consumers and routes need; the composition root passes one object. */
export interface PipelineDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly provider: PaymentProvider;
  readonly orders: OrdersService;
  /** Wakes the relay after a commit that wrote events. */
  readonly onCommit: () => void;
  /** Thresholds of the fraud rules; DEFAULT_FRAUD_RULES when absent. */
  readonly fraudRules?: FraudRules;
  /** Deliveries of a payments event before it is dead-lettered, and the first retry delay. */
  readonly paymentRetry?: { readonly maxDeliver: number; readonly backoffMs: number };
  /** The carrier name the sandbox warehouse ships with. */
  readonly carrier?: string;
}
