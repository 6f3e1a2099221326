import type { Flashmob } from '../../app.ts';
import { AppError } from '../errors.ts';

/**
 * Re-delivers the event log to one consumer from a log position. `from` 0 first empties what
 * the consumer built (its `reset`), so the read model is rebuilt from scratch; a later position
 * re-delivers from there and the consumer's idempotency skips what it already applied.
 */
export async function runReplay(
  fm: Flashmob,
  consumerName: string,
  from: number,
): Promise<{ position: number; handedOver: boolean }> {
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
  await fm.bus.resetConsumer(def.name, Math.max(0, from - 1));
  // A worker running this consumer picks the new offset up on its next step.
  if (lease?.live) return { position: Math.max(0, from - 1), handedOver: true };
  await fm.bus.start();
  const handle = fm.bus.consume(def.name, (e) => def.handle(e), def);
  await handle.drained();
  await handle.stop();
  const [row] = await fm.store.query<{ pos: number }>(
    'select pos from consumer_offsets where consumer = $1',
    [def.name],
  );
  return { position: row?.pos ?? 0, handedOver: false };
}
