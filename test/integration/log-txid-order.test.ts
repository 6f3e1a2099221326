import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorOf, headCursor, LOG_START, readEvents } from '../../src/platform/bus/events.ts';
import { newId } from '../../src/platform/ids.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const kinds = await storeKinds();

/**
 * Regression: the log was sorted by `txid::text` (the select list's alias), so "100" came before
 * "99". A read with a limit then moved the cursor past events it had not delivered, and the head
 * looked older than it was (drained() returned with events still to handle).
 */
describe.each(kinds)('event log order across txid lengths (%s)', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(kind);
    // Two finished transactions on either side of a power of ten, the later one inserted first.
    for (const txid of ['100', '99']) {
      await t.store.query(
        `insert into events (id, type, key, payload, txid) values ($1, 'test.order', 'k', '{}', $2::xid8)`,
        [newId('event'), txid],
      );
    }
  });
  afterAll(() => t.dispose());

  it('log - events are read in transaction order, not in the text order of their txid', async () => {
    const [first] = await readEvents(t.store, LOG_START, 1);
    expect(first?.txid).toBe('99');
    const rest = await readEvents(t.store, cursorOf(first as NonNullable<typeof first>), 10);
    expect(rest.map((e) => e.txid)).toEqual(['100']);
  });

  it('log - the head is the event of the latest transaction', async () => {
    expect((await headCursor(t.store)).txid).toBe('100');
  });
});
