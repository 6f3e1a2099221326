import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, cursorBeforeSeq } from '../../src/platform/bus/events.ts';
import { NatsBus } from '../../src/platform/bus/nats-bus.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { serviceAvailable, TEST_NATS_URL } from '../helpers/services.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const ok = (await serviceAvailable('postgres')) && (await serviceAvailable('nats'));
const logger = createLogger('silent');

const until = async (cond: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Replays of NATS consumer groups, below the CLI: where they start, and after a crash. */
describe.skipIf(!ok)('NATS consumer groups: replay', () => {
  let ts: TestStore;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const buses: NatsBus[] = [];
  const natsBus = () => {
    const b = new NatsBus({ url: TEST_NATS_URL, store: ts.store, logger, prefix });
    buses.push(b);
    return b;
  };
  const ids: string[] = [];
  beforeAll(async () => {
    ts = await createTestStore('postgres');
    for (let i = 0; i < 30; i++) {
      const [id] = await ts.store.transaction((tx) =>
        appendEvents(tx, [{ type: 'test.replayed', key: `k${i % 3}`, payload: { i } }]),
      );
      ids.push(id as string);
    }
  });
  afterAll(async () => {
    await buses[0]?.deleteStreams();
    for (const b of buses) await b.stop();
    await ts.dispose();
  });

  it('replay (nats) - a group started over from an event number gets exactly the events from there on', async () => {
    const bus = natsBus();
    await bus.start();
    const first: string[] = [];
    let h = bus.consume('g-from', async (e) => {
      first.push(e.id);
    });
    await h.drained();
    expect(first).toEqual(ids);
    await h.stop();
    const [tenth] = await ts.store.query<{ seq: number }>('select seq from events where id = $1', [ids[10]]);
    await bus.resetConsumer('g-from', await cursorBeforeSeq(ts.store, Number(tenth?.seq)));
    const again: string[] = [];
    h = bus.consume('g-from', async (e) => {
      again.push(e.id);
    });
    await h.drained();
    await h.stop();
    expect(again).toEqual(ids.slice(10));
  });

  it('replay (nats) - a replay a crash left half done (read model emptied, consumer not started over) is finished when the group starts', async () => {
    const bus = natsBus();
    await bus.start();
    const seen: string[] = [];
    let resets = 0;
    const options = {
      reset: async () => {
        resets++;
      },
    };
    let h = bus.consume('g-pending', async (e) => void seen.push(e.id), options);
    await h.drained();
    expect(seen).toEqual(ids);
    await h.stop();
    // The crash: the read model was emptied and the replay recorded, the consumer never reset.
    await ts.store.query(`insert into replay_pending (consumer, from_seq) values ('g-pending', 0)`);
    seen.length = 0;
    h = bus.consume('g-pending', async (e) => void seen.push(e.id), options);
    await until(() => seen.length >= ids.length);
    await h.drained();
    await h.stop();
    expect(seen).toEqual(ids);
    expect(resets).toBe(1);
    expect(await ts.store.query(`select * from replay_pending where consumer = 'g-pending'`)).toEqual([]);
  });

  it('replay (nats) - asked of the node running the group, it starts over there; the caller runs nothing', async () => {
    const worker = natsBus();
    await worker.start();
    const seen: string[] = [];
    let resets = 0;
    const options = {
      reset: async () => {
        resets++;
      },
    };
    const h = worker.consume('g-live', async (e) => void seen.push(e.id), options);
    await h.drained();
    expect(seen).toEqual(ids);
    const operator = new NatsBus({ url: TEST_NATS_URL, store: ts.store, logger, prefix, relay: false });
    buses.push(operator);
    const result = await operator.replay({
      group: 'g-live',
      from: 0,
      handler: async () => {
        throw new Error('the operator must not handle events');
      },
      options,
    });
    expect(result).toEqual({ handedOver: true });
    expect(resets).toBe(1);
    await until(() => seen.length >= ids.length * 2);
    await h.drained();
    expect(seen.slice(ids.length)).toEqual(ids);
    await h.stop();
  });

  it('replay (nats) - with two nodes pulling the group, one replays it; the other pulls on from the remade consumer', async () => {
    const seen: string[] = [];
    const resets = [0, 0];
    const nodes = [natsBus(), natsBus()];
    for (const n of nodes) await n.start();
    const handles = nodes.map((n, i) =>
      n.consume('g-two', async (e) => void seen.push(e.id), {
        reset: async () => {
          resets[i] = (resets[i] ?? 0) + 1;
        },
      }),
    );
    await until(() => new Set(seen).size === ids.length);
    await handles[0]?.drained();
    seen.length = 0;
    const operator = new NatsBus({ url: TEST_NATS_URL, store: ts.store, logger, prefix, relay: false });
    buses.push(operator);
    const result = await operator.replay({ group: 'g-two', from: 0, handler: async () => {}, options: {} });
    expect(result).toEqual({ handedOver: true });
    expect([...resets].sort()).toEqual([0, 1]);
    // Between them the two nodes handle the whole log again.
    await until(() => ids.every((id) => seen.includes(id)));
    // The node that answered stops; the other, whose pulls failed under it, handles what comes next.
    const answered = resets.indexOf(1);
    await handles[answered]?.stop();
    const [late] = await ts.store.transaction((tx) =>
      appendEvents(tx, [{ type: 'test.replayed', key: 'late', payload: {} }]),
    );
    for (const n of nodes) n.notifyCommitted();
    await until(() => seen.includes(late as string));
    await handles[1 - answered]?.stop();
  });
});
