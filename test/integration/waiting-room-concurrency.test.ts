import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WaitingRoomConfig } from '../../src/modules/sales/types.ts';
import { AdmissionTokens } from '../../src/modules/waiting-room/admission-tokens.ts';
import { MemoryQueueStore } from '../../src/modules/waiting-room/memory-queue-store.ts';
import type { QueueStore } from '../../src/modules/waiting-room/queue-store.ts';
import { RedisQueueStore } from '../../src/modules/waiting-room/redis-queue-store.ts';
import { WaitingRoomService } from '../../src/modules/waiting-room/service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { StoreKind } from '../../src/platform/store/store.ts';
import { buyer, FakeSales, T0 } from '../factories/waiting-room.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { serviceAvailable, TEST_REDIS_URL } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const logger = createLogger('silent');
/**
 * The embedded queue (in memory, written through to the store) on each store, and the Redis
 * queue (two nodes, a connection each; the SQL store plays no part in it).
 */
const variants: Array<{ queue: 'memory' | 'redis'; store: StoreKind }> = [
  ...(await storeKinds()).map((store) => ({ queue: 'memory' as const, store })),
  ...((await serviceAvailable('redis')) ? [{ queue: 'redis' as const, store: 'pglite' as const }] : []),
];

describe.each(variants)(
  'waiting room under concurrent joins ($queue queue, $store store)',
  ({ queue, store }) => {
    let ts: TestStore | undefined;
    let queues: QueueStore[];
    let nodes: WaitingRoomService[];
    const clock = new ManualClock(T0);
    const sales = new FakeSales();
    beforeAll(async () => {
      if (queue === 'memory') {
        ts = await createTestStore(store);
        const one = await MemoryQueueStore.open(ts.store);
        queues = [one, one];
      } else {
        queues = [new RedisQueueStore(TEST_REDIS_URL), new RedisQueueStore(TEST_REDIS_URL)];
      }
      const tokens = new AdmissionTokens(randomBytes(32));
      const powSecret = randomBytes(32);
      nodes = queues.map(
        (q, i) =>
          new WaitingRoomService({ store: q, sales, clock, logger, tokens, powSecret, nodeId: `node-${i}` }),
      );
    });
    afterAll(async () => {
      for (const q of new Set(queues)) await q.close();
      await ts?.dispose();
    });

    const config = (over: Partial<WaitingRoomConfig>): WaitingRoomConfig => ({
      admitPerMinute: 60,
      maxActive: 1_000_000,
      opensBeforeSeconds: 600,
      admissionTtlSeconds: 600,
      abandonAfterSeconds: 3_600,
      ...over,
    });

    it('waiting room - 240 buyers join at once through two nodes while both tick: never more active than maxActive, each admitted once, in line order; the store keeps what memory holds', async () => {
      clock.set(T0);
      // Fast admission and short turns: the line stays short, so tickets are admitted while
      // other buyers are still joining, and places free up all the time.
      const saleId = sales.add(config({ admitPerMinute: 6_000, maxActive: 10, admissionTtlSeconds: 1 }));
      await Promise.all(nodes.map((n) => n.discover()));
      const tickets: string[] = [];
      let peak = 0;
      for (let round = 0; round < 40; round++) {
        const joining = Array.from({ length: 6 }, (_, i) => buyer(10_000 + round * 6 + i));
        // The joins and both nodes' ticks at once; then time moves on.
        const [joined] = await Promise.all([
          Promise.all(joining.map((b, i) => (nodes[i % 2] as WaitingRoomService).join(saleId, b))),
          ...nodes.map((n) => n.tickAll()),
        ]);
        tickets.push(...joined.map((j) => j.ticket));
        expect(joined.every((j) => j.created)).toBe(true);
        clock.advance(250);
        await queues[0]?.touch(saleId, tickets, clock.now());
        for (const q of queues) {
          const { active } = await q.counts(saleId, clock.now());
          peak = Math.max(peak, active);
          expect(active).toBeLessThanOrEqual(10);
        }
      }
      expect(peak).toBe(10);
      const all = await (queues[1] as QueueStore).tickets(saleId, tickets);
      const admitted = tickets.filter((id) => all.get(id)?.admittedAt !== undefined);
      expect((await (queues[0] as QueueStore).counts(saleId, clock.now())).admitted).toBe(admitted.length);
      expect(admitted.length).toBeGreaterThan(10);
      // First come, first served: a round's buyers all joined before the next round's, so none of
      // a later round is admitted before, or instead of, one of an earlier round.
      const rounds = tickets.map((id, i) => ({ round: Math.floor(i / 6), at: all.get(id)?.admittedAt }));
      for (const a of rounds)
        for (const b of rounds) {
          if (a.round >= b.round || b.at === undefined) continue;
          expect(a.at).toBeDefined();
          expect(a.at as number).toBeLessThanOrEqual(b.at);
        }
      if (ts) {
        // A restart reads the queue back from the store: every ticket as memory holds it.
        const reopened = await MemoryQueueStore.open(ts.store);
        const kept = await reopened.tickets(saleId, tickets);
        for (const id of tickets) {
          const t = all.get(id);
          expect([id, kept.get(id)?.state, kept.get(id)?.admittedAt]).toEqual([id, t?.state, t?.admittedAt]);
        }
      } else {
        await (queues[0] as RedisQueueStore).clear(saleId);
      }
    });
  },
);
