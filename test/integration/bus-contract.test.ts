import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../src/platform/bus/bus.ts';
import { appendEvents, type EventRecord, LOG_START } from '../../src/platform/bus/events.ts';
import { NatsBus } from '../../src/platform/bus/nats-bus.ts';
import { StoreBus } from '../../src/platform/bus/store-bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { StoreKind } from '../../src/platform/store/store.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { serviceAvailable, TEST_NATS_URL } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const pgOk = await serviceAvailable('postgres');
const natsOk = pgOk && (await serviceAvailable('nats'));
/** The store bus on each store (PGlite is the embedded default), NATS with PostgreSQL. */
const variants: Array<{ bus: 'store' | 'nats'; store: StoreKind }> = [
  ...(await storeKinds()).map((store) => ({ bus: 'store' as const, store })),
  ...(natsOk ? [{ bus: 'nats' as const, store: 'postgres' as const }] : []),
];
const logger = createLogger('silent');

const until = async (cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Both Bus adapters pass one contract: the embedded one (log in the store) and NATS JetStream. */
describe.each(variants)('bus contract ($bus bus, $store store)', ({ bus: kind, store }) => {
  let ts: TestStore;
  let bus: Bus;
  beforeAll(async () => {
    ts = await createTestStore(store);
    bus =
      kind === 'nats'
        ? new NatsBus({
            url: TEST_NATS_URL,
            store: ts.store,
            logger,
            prefix: `t${randomBytes(4).toString('hex')}`,
          })
        : new StoreBus({ store: ts.store, logger, pollMs: 20 });
    await bus.start();
  });
  afterAll(async () => {
    if (bus instanceof NatsBus) await bus.deleteStreams();
    await bus.stop();
    await ts.dispose();
  });

  const write = async (n: number, key = 'k') => {
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        ts.store.transaction((tx) => appendEvents(tx, [{ type: 'test.happened', key, payload: { i } }])),
      ),
    );
    bus.notifyCommitted();
  };

  it('bus - a consumer group gets every committed event once, in log order', async () => {
    const seen: EventRecord[] = [];
    const handle = bus.consume(`g-order-${kind}`, async (e) => {
      seen.push(e);
    });
    await write(50);
    await write(50, 'other');
    await until(() => seen.filter((e) => e.type === 'test.happened').length >= 100);
    await handle.drained();
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const order = seen.map((e) => [BigInt(e.txid), e.seq] as const);
    for (let i = 1; i < order.length; i++) {
      const [t0, s0] = order[i - 1] as readonly [bigint, number];
      const [t1, s1] = order[i] as readonly [bigint, number];
      expect(t1 > t0 || (t1 === t0 && s1 > s0)).toBe(true);
    }
    await handle.stop();
  });

  it('bus - the tail gives every node every new event', async () => {
    const got: EventRecord[] = [];
    const off = bus.tail((events) => got.push(...events));
    // The NATS tail is an ordered consumer made in the background: it is live once a probe
    // written after it arrives (the store bus's tail is live at once).
    await until(async () => {
      await write(1, 'tail-probe');
      return got.some((e) => e.key === 'tail-probe');
    });
    await write(5, 'tail');
    await until(() => got.filter((e) => e.key === 'tail').length === 5);
    off();
  });

  it('bus - a poison event is retried, dead-lettered, and can be retried once fixed', async () => {
    const group = `g-poison-${kind}`;
    let fixed = false;
    let delivered = 0;
    const handle = bus.consume(
      group,
      async (e) => {
        if (e.key !== 'poison') return;
        delivered += 1;
        if (!fixed) throw new Error('cannot handle this');
      },
      { maxDeliver: 3, backoffMs: 10 },
    );
    await write(1, 'poison');
    await until(async () => (await bus.listDeadLetters(group)).length === 1);
    const [letter] = await bus.listDeadLetters(group);
    expect(letter).toMatchObject({
      consumer: group,
      type: 'test.happened',
      attempts: 3,
      error: 'cannot handle this',
    });
    expect(delivered).toBe(3);
    fixed = true;
    expect(await bus.retryDeadLetter(letter?.id as number)).toBe(true);
    await until(() => delivered === 4);
    await until(async () => (await bus.listDeadLetters(group)).length === 0);
    await handle.stop();
  });

  it('bus - ephemeral messages reach subscribers and are not logged', async () => {
    const got: unknown[] = [];
    const off = bus.subscribe('contract.test', (d) => got.push(d));
    await bus.ready(); // the subscription has reached the server (a round trip on NATS)
    bus.publish('contract.test', { hello: kind });
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ hello: kind });
    off();
  });

  it('bus - a group replays from the start after a reset', async () => {
    const group = `g-replay-${kind}`;
    const first: string[] = [];
    let h = bus.consume(group, async (e) => {
      first.push(e.id);
    });
    await write(3, 'replay');
    await until(() => first.length >= 3);
    await h.drained();
    await h.stop();
    await bus.resetConsumer(group, LOG_START);
    const again: string[] = [];
    h = bus.consume(group, async (e) => {
      again.push(e.id);
    });
    await until(() => again.length >= first.length);
    expect(again.slice(0, first.length).sort()).toEqual([...first].sort().slice(0, first.length));
    await h.stop();
  });
});

describe.skipIf(!natsOk)('NATS consumer groups: the ack wait', () => {
  let ts: TestStore;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const buses: NatsBus[] = [];
  const natsBus = (ackWaitMs: number) => {
    const b = new NatsBus({ url: TEST_NATS_URL, store: ts.store, logger, prefix, ackWaitMs });
    buses.push(b);
    return b;
  };
  beforeAll(async () => {
    ts = await createTestStore('postgres');
  });
  afterAll(async () => {
    await buses[0]?.deleteStreams().catch(() => {});
    for (const b of buses) await b.stop();
    await ts.dispose();
  });

  it('bus (nats) - a batch handled for longer than the ack wait is kept alive, not redelivered; an existing consumer takes the configured ack wait', async () => {
    // A group made by a deployment with a 30 s ack wait…
    const old = natsBus(30_000);
    await old.start();
    const first = old.consume('g-ack-wait', async () => {});
    const nc = await connect({ servers: TEST_NATS_URL });
    const jsm = await jetstreamManager(nc);
    const consumer = () => jsm.consumers.info(old.names.events, 'g-ack-wait');
    await until(() =>
      consumer().then(
        () => true,
        () => false,
      ),
    );
    await first.stop();
    await old.stop();
    // …is run by a node configured for 1 s, whose handler takes 2.5 s over the first event.
    const bus = natsBus(1_000);
    await bus.start();
    const deliveries = new Map<string, number>();
    const handle = bus.consume('g-ack-wait', async (e) => {
      if (e.type !== 'test.slow') return;
      deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
      if (deliveries.size === 1) await new Promise((r) => setTimeout(r, 2_500));
    });
    // The first is handled on its own, the others arrive while it is (and wait).
    const slow = async (i: number) => {
      await ts.store.transaction((tx) =>
        appendEvents(tx, [{ type: 'test.slow', key: 'slow', payload: { i } }]),
      );
      bus.notifyCommitted();
    };
    await slow(0);
    await until(() => deliveries.size === 1);
    await slow(1);
    await slow(2);
    await until(() => deliveries.size === 3, 15_000);
    await handle.drained();
    // Every message acked, and the server never sent one again (its own count, not a wait).
    await until(async () => (await consumer()).num_ack_pending === 0);
    const info = await consumer();
    expect(info.num_redelivered).toBe(0);
    expect([...deliveries.values()]).toEqual([1, 1, 1]);
    await handle.stop();
    expect(info.config.ack_wait).toBe(1_000 * 1_000_000);
    await nc.close();
  });
});
