import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatArchive } from '../../src/modules/shows/chat-archive.ts';
import type { ChatMessage } from '../../src/modules/shows/chat-types.ts';
import { newId } from '../../src/platform/ids.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const kinds = await storeKinds();
const logger = createLogger('silent');

const line = (showId: string, i: number): ChatMessage => ({
  id: newId('chat'),
  showId,
  userId: null,
  userName: 'Viewer',
  text: `line ${i}`,
  kind: 'chat',
  flagged: false,
  at: new Date(1_800_000_000_000 + i).toISOString(),
});

/** Lets the event loop run: the flushes in flight make progress while more lines arrive. */
const turn = () => new Promise((r) => setImmediate(r));

describe.each(kinds)('chat archive (%s)', (kind) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore(kind);
  });
  afterAll(() => ts.dispose());

  const archived = (showId: string) =>
    ts.store.query<{ id: string; deleted: boolean }>(
      'select id, deleted from chat_messages where show_id = $1',
      [showId],
    );

  it('chat archive - two nodes archive 2,000 lines while flushing all the time, each deleting lines of the other: each line once, every deleted line marked', async () => {
    // A moderator's delete reaches the node that served it, while the line may still be in the
    // buffer of the node that took it: the delete must not be lost.
    const nodes = [new ChatArchive(ts.store, logger), new ChatArchive(ts.store, logger)] as const;
    const showId = newId('show');
    const lines: ChatMessage[] = [];
    const deleted = new Set<string>();
    const flushes: Array<Promise<void>> = [];
    for (let i = 0; i < 2_000; i++) {
      const [mine, other] = i % 2 === 0 ? nodes : [nodes[1], nodes[0]];
      const m = line(showId, i);
      lines.push(m);
      mine.add(m);
      if (i % 7 === 0) {
        other.markDeleted(m.id);
        deleted.add(m.id);
      }
      // An older line deleted again, once it may be archived.
      if (i % 13 === 0 && i >= 100) {
        const old = lines[i - 100] as ChatMessage;
        mine.markDeleted(old.id);
        deleted.add(old.id);
      }
      if (i % 40 === 0) flushes.push(nodes[0].flush(), nodes[1].flush());
      if (i % 10 === 0) await turn();
    }
    await Promise.all(flushes);
    // Each node's next flushes (its timer's) find the lines the other has written since.
    await nodes[0].flush();
    await nodes[1].flush();
    for (const n of nodes) await n.stop();
    const rows = await archived(showId);
    expect(rows).toHaveLength(2_000);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(lines.map((l) => l.id)));
    expect(new Set(rows.filter((r) => r.deleted).map((r) => r.id))).toEqual(deleted);
  });

  it('chat archive - stop() while a flush is in flight also writes the lines that came after it', async () => {
    const archive = new ChatArchive(ts.store, logger);
    const showId = newId('show');
    for (let i = 0; i < 100; i++) archive.add(line(showId, i));
    const inFlight = archive.flush();
    for (let i = 100; i < 200; i++) archive.add(line(showId, i));
    await archive.stop();
    await inFlight;
    expect(await archived(showId)).toHaveLength(200);
  });
});
