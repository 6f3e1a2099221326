import type { Logger } from 'pino';
import type { Bus } from './bus/bus.ts';
import type { Clock } from './clock.ts';
import type { Store } from './store/store.ts';

/**
 * The ports every module factory (`createSales`, `createShows`, …) is given; the composition
 * (src/composition/adapters.ts) picks their adapters from the configuration.
 */
export interface Ports {
  readonly store: Store;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Wakes the relay after a commit that wrote events. */
  readonly onCommit: () => void;
}
