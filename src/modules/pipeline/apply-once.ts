import { markProcessed } from '../../platform/bus/consumer-def.ts';
import type { EventRecord } from '../../platform/bus/events.ts';
import type { Sql } from '../../platform/store/store.ts';
import type { PipelineDeps } from './deps.ts';

/**
 * One step of a consumer: the writes of `step` (the order's move, asked of the orders module in
 * this transaction), its outbox events and the consumer's processed marker commit together, so
 * a redelivered event finds the marker and has no second effect.
 */
export async function applyOnce(
  deps: Pick<PipelineDeps, 'store' | 'onCommit'>,
  consumer: string,
  event: EventRecord,
  step: (tx: Sql) => Promise<void>,
): Promise<void> {
  const fresh = await deps.store.transaction(async (tx) => {
    if (!(await markProcessed(tx, consumer, event.id))) return false;
    await step(tx);
    return true;
  });
  if (fresh) deps.onCommit();
}

export const orderIdOf = (event: EventRecord) => String(event.payload['orderId']);
export const isoAt = (ms: number) => new Date(ms).toISOString();
