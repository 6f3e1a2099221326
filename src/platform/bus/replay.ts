import { AppError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Bus } from './bus.ts';
import type { ConsumerDefinition } from './consumer-def.ts';
import { headCursor } from './events.ts';

/**
 * Re-delivers the event log to one consumer from an event number. `from` 0 first empties what
 * the consumer built (its `reset`), so the read model is rebuilt from scratch; a later number
 * re-delivers from that event on, and the consumer's idempotency skips what it already applied.
 * When a node is running that consumer, it takes the replay over (`handedOver`: it rebuilds in
 * the background); otherwise the consumer runs here until it has caught up with the log, `seq`.
 */
export async function runReplay(
  fm: { readonly bus: Bus; readonly store: Store; readonly consumers: readonly ConsumerDefinition[] },
  consumerName: string,
  from: number,
): Promise<{ seq: number; handedOver: boolean }> {
  const def = fm.consumers.find((c) => c.name === consumerName);
  if (!def) {
    throw new AppError(
      'not_found',
      `No consumer "${consumerName}"; known: ${fm.consumers.map((c) => c.name).join(', ')}`,
    );
  }
  const { handedOver } = await fm.bus.replay({
    group: def.name,
    from,
    handler: (e) => def.handle(e),
    options: def,
  });
  return { seq: handedOver ? from : (await headCursor(fm.store)).seq, handedOver };
}
