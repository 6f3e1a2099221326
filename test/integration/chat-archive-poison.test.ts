import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatArchive } from '../../src/modules/shows/chat-archive.ts';
import type { ChatMessage } from '../../src/modules/shows/chat-types.ts';
import { newId } from '../../src/platform/ids.ts';
import { Metrics } from '../../src/platform/metrics.ts';
import type { Store } from '../../src/platform/store/store.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestStore, type TestStore } from '../helpers/stores.ts';

const kinds = await storeKinds();
const logger = pino({ level: 'silent' });

let n = 0;
const line = (showId: string, fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: newId('chat'),
  showId,
  userId: 'usr_test',
  userName: 'Viewer',
  text: `line ${n++}`,
  kind: 'chat',
  flagged: false,
  at: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
  ...fields,
});

/** The real store, except that the next `failures` statements fail as if the database were gone. */
function flaky(store: Store, failures: number): Store {
  let left = failures;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver);
      return (text: string, params?: readonly unknown[]) => {
        if (left > 0) {
          left -= 1;
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        }
        return target.query(text, params);
      };
    },
  });
}

describe.each(kinds)('chat archive on %s', (kind) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore(kind);
  });
  afterAll(() => ts.dispose());

  const archived = async (ids: string[]) =>
    (
      await ts.store.query<{ id: string }>('select id from chat_messages where id = any($1) order by id', [
        ids,
      ])
    ).map((r) => r.id);
  const deadLetters = async (ids: string[]) =>
    ts.store.query<{
      message_id: string;
      show_id: string;
      payload: string;
      error_code: string;
      error: string;
    }>(
      'select message_id, show_id, payload, error_code, error from chat_dead_letters where message_id = any($1) order by message_id',
      [ids],
    );

  it('chat archive - a line the store refuses goes to the dead letters; every other line of every show is written', async () => {
    const archive = new ChatArchive(ts.store, logger);
    const good = [
      ...Array.from({ length: 40 }, () => line('shw_a')),
      ...Array.from({ length: 40 }, () => line('shw_b')),
    ];
    const nul = line('shw_a', { text: 'bad \u0000 line' });
    const badKind = line('shw_b', { kind: 'shouting' as ChatMessage['kind'] });
    const badTime = line('shw_b', { at: 'not a time' });
    const lines = [...good.slice(0, 10), nul, ...good.slice(10, 50), badKind, ...good.slice(50), badTime];
    for (const l of lines) archive.add(l);
    await archive.flush();

    expect(await archived(lines.map((l) => l.id))).toEqual(good.map((l) => l.id).sort());
    const dead = await deadLetters([nul.id, badKind.id, badTime.id]);
    expect(dead.map((d) => [d.message_id, d.error_code])).toEqual(
      [
        [nul.id, '22021'],
        [badKind.id, '23514'],
        [badTime.id, '22007'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    // The payload keeps the line exactly, NUL included.
    const nulDead = dead.find((d) => d.message_id === nul.id);
    expect(JSON.parse(nulDead?.payload ?? '{}')).toEqual(nul);
    expect(nulDead?.show_id).toBe('shw_a');

    // The archive is not stuck: the next lines go straight in, nothing is retried.
    const later = [line('shw_a'), line('shw_c')];
    for (const l of later) archive.add(l);
    await archive.flush();
    expect(await archived(later.map((l) => l.id))).toEqual(later.map((l) => l.id).sort());
    expect(await deadLetters([nul.id])).toHaveLength(1);
    const scrape = await new Metrics({ store: ts.store }).registry.metrics();
    expect(Number(/^flashmob_chat_dead_letters (\d+)$/m.exec(scrape)?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('chat archive - a poison id or show id is dead-lettered with storable copies of them', async () => {
    const archive = new ChatArchive(ts.store, logger);
    const poison = line('shw_\u0000x', { id: 'chat_\u0000\ud800' });
    const ok = line('shw_d');
    archive.add(poison);
    archive.add(ok);
    await archive.flush();
    expect(await archived([ok.id])).toEqual([ok.id]);
    const [dead] = await ts.store.query<{ message_id: string; show_id: string; payload: string }>(
      `select message_id, show_id, payload from chat_dead_letters where payload like '%shw_\\\\u0000x%'`,
    );
    expect(dead?.message_id).toBe('chat_\ufffd\ufffd');
    expect(dead?.show_id).toBe('shw_\ufffdx');
    expect(JSON.parse(dead?.payload ?? '{}')).toEqual(poison);
  });

  it('chat archive - an unreachable store keeps the whole batch for the next flush: nothing is dead-lettered', async () => {
    const archive = new ChatArchive(flaky(ts.store, 1), logger);
    const lines = [line('shw_e'), line('shw_e')];
    for (const l of lines) archive.add(l);
    await archive.flush();
    expect(await archived(lines.map((l) => l.id))).toEqual([]);
    await archive.flush();
    expect(await archived(lines.map((l) => l.id))).toEqual(lines.map((l) => l.id).sort());
    expect(await deadLetters(lines.map((l) => l.id))).toEqual([]);
  });

  it('chat archive - a deletion marked with a poison line in the batch still applies to the good line', async () => {
    const archive = new ChatArchive(ts.store, logger);
    const ok = line('shw_f');
    archive.add(ok);
    archive.add(line('shw_f', { text: '\u0000' }));
    archive.markDeleted(ok.id);
    await archive.flush();
    const [row] = await ts.store.query<{ deleted: boolean }>(
      'select deleted from chat_messages where id = $1',
      [ok.id],
    );
    expect(row?.deleted).toBe(true);
  });
});
