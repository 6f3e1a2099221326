import type { Flashmob } from '../../app.ts';
import { AppError } from '../errors.ts';
import { cursorBeforeSeq } from './events.ts';

/**
 * Re-delivers the event log to one consumer from an event number. `from` 0 first empties what
 * the consumer built (its `reset`), so the read model is rebuilt from scratch; a later number
 * re-delivers from that event on, and the consumer's idempotency skips what it already applied.
 * When a worker is running that consumer, it picks the new cursor up on its next step.
 */
export async function runReplay(
  fm: Flashmob,
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
  const [lease] = await fm.store.query<{ live: boolean }>(
    'select owner is not null and lease_until > now() as live from consumer_offsets where consumer = $1',
    [def.name],
  );
  if (from === 0) await def.reset?.();
  await fm.bus.resetConsumer(def.name, await cursorBeforeSeq(fm.store, from));
  if (lease?.live) return { seq: from, handedOver: true };
  await fm.bus.start();
  const handle = fm.bus.consume(def.name, (e) => def.handle(e), def);
  await handle.drained();
  await handle.stop();
  const [row] = await fm.store.query<{ seq: number }>(
    'select cursor_seq as seq from consumer_offsets where consumer = $1',
    [def.name],
  );
  return { seq: row?.seq ?? 0, handedOver: false };
}
