import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSaleStats } from '../../src/modules/stats/sale-stats.ts';
import { type EventRecord, LOG_START } from '../../src/platform/bus/events.ts';
import { runReplay } from '../../src/platform/bus/replay.ts';
import { type Actor, makeBuyers, makeSale, makeUser, SHIPPING } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('events: outbox, consumers, replay (%s)', (kind) => {
  let t: TestApp;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({ store: kind, start: false });
    await t.fm.bus.start();
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  async function sellSome() {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 20, perBuyerLimit: 3, priceCents: 1_500 }] });
    const sku = sale.items[0]?.sku as string;
    const buyers = await makeBuyers(t.fm, 5);
    const ids: string[] = [];
    for (const [i, b] of buyers.entries()) {
      const r = await t.http('POST', `/api/sales/${sale.id}/claims`, {
        token: b.token,
        body: { sku, quantity: 1 + (i % 3), idempotencyKey: 'x' },
      });
      ids.push(r.json().reservation.id);
    }
    await t.http('DELETE', `/api/reservations/${ids[4]}`, { token: buyers[4]?.token });
    for (const i of [0, 1]) {
      await t.http('POST', '/api/checkout', {
        token: buyers[i]?.token,
        body: {
          reservationIds: [ids[i]],
          payment: { method: 'card', token: 'tok_visa' },
          shipping: SHIPPING,
        },
      });
    }
    return sale;
  }

  it('events - every change is an event in the same transaction, and the read model follows the log', async () => {
    const sale = await sellSome();
    const types = await t.fm.store.query<{ type: string }>(
      `select type from events where key = $1 order by seq`,
      [sale.id],
    );
    expect(types.map((r) => r.type)).toEqual([
      'sale.created',
      ...Array(5).fill('sale.claimed'),
      'reservation.released',
    ]);
    await runReplay(t.fm, 'sale-stats', 1); // consume what is on the log
    const s = await readSaleStats(t.fm.store, sale.id);
    expect(s).toMatchObject({
      claims: 5,
      unitsClaimed: 1 + 2 + 3 + 1 + 2,
      unitsReturned: 2,
      ordersPaid: 2,
      unitsSold: 3,
      revenueCents: 4_500,
    });
  });

  it('replay - rebuilding the read model from position 0 gives the same numbers', async () => {
    const sale = await sellSome();
    const before = await (async () => {
      await runReplay(t.fm, 'sale-stats', 1); // catch up; already-applied events are skipped
      return readSaleStats(t.fm.store, sale.id);
    })();
    await t.fm.store.query('update sale_stats set revenue_cents = 0, claims = 999 where sale_id = $1', [
      sale.id,
    ]); // corrupt it
    const result = await runReplay(t.fm, 'sale-stats', 0);
    expect(result.seq).toBeGreaterThan(0);
    const after = await readSaleStats(t.fm.store, sale.id);
    expect(after).toEqual(before);
    expect(after.claims).toBe(5);
  });

  it('consumers - a redelivered event has no second effect', async () => {
    const sale = await sellSome();
    await runReplay(t.fm, 'sale-stats', 1);
    const once = await readSaleStats(t.fm.store, sale.id);
    const [first] = await t.fm.store.query<{ seq: number }>(
      `select min(seq)::int8 as seq from events where key = $1`,
      [sale.id],
    );
    await runReplay(t.fm, 'sale-stats', first?.seq ?? 1); // re-deliver from the sale's first event
    expect(await readSaleStats(t.fm.store, sale.id)).toEqual(once);
  });

  it('consumers - deliver in log order; a poison event is dead-lettered after the retry limit and can be retried', async () => {
    const seen: EventRecord[] = [];
    let poisonOk = false;
    const sale = await makeSale(t.fm, host, { items: [{ stock: 1 }] });
    const handle = t.fm.bus.consume(
      `order-probe-${kind}`,
      async (e) => {
        if (e.key === sale.id && e.type === 'sale.created' && !poisonOk) throw new Error('poison');
        seen.push(e);
      },
      { maxDeliver: 3, backoffMs: 5 },
    );
    await handle.drained();
    const order = seen.map((e) => e.seq);
    expect(seen.map((e) => BigInt(e.txid))).toEqual(
      [...seen.map((e) => BigInt(e.txid))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    expect(order.length).toBeGreaterThan(0);
    const letters = await t.fm.bus.listDeadLetters(`order-probe-${kind}`);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ type: 'sale.created', attempts: 3, error: 'poison' });
    poisonOk = true;
    expect(await t.fm.bus.retryDeadLetter(letters[0]!.id)).toBe(true);
    for (let i = 0; i < 100 && (await t.fm.bus.listDeadLetters(`order-probe-${kind}`)).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await t.fm.bus.listDeadLetters(`order-probe-${kind}`)).toHaveLength(0);
    expect(seen.some((e) => e.key === sale.id && e.type === 'sale.created')).toBe(true);
    await handle.stop();
  });

  it('replay - a running consumer picks up a cursor moved under it and re-delivers from there', async () => {
    const group = `handover-${kind}`;
    const seen: string[] = [];
    const handle = t.fm.bus.consume(group, async (e) => {
      seen.push(e.id);
    });
    await sellSome();
    await handle.drained();
    const firstPass = seen.length;
    expect(firstPass).toBeGreaterThan(5);
    // What `flashmob replay --from 1` does while a worker runs the group.
    await t.fm.bus.resetConsumer(group, LOG_START);
    for (let i = 0; i < 200 && seen.length < firstPass * 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBeGreaterThanOrEqual(firstPass * 2);
    expect(new Set(seen.slice(firstPass))).toEqual(new Set(seen.slice(0, firstPass)));
    await handle.stop();
  });
});
