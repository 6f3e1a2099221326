import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAT_RATE_WINDOW_MS, chatAllowed } from '../../src/domain/chat-rules.ts';
import { type ChatPace, MemoryChatPace, RedisChatPace } from '../../src/modules/shows/chat-pace.ts';
import { serviceAvailable, TEST_REDIS_URL } from '../helpers/services.ts';

const redisOk = await serviceAvailable('redis');
const kinds = redisOk ? (['memory', 'redis'] as const) : (['memory'] as const);
const key = () => `shw_${randomBytes(6).toString('hex')}|usr_${randomBytes(6).toString('hex')}`;

/** Both chat-pace adapters pass one contract. */
describe.each(kinds)('chat pace (%s)', (kind) => {
  const made: ChatPace[] = [];
  const open = () => {
    const p = kind === 'memory' ? new MemoryChatPace() : new RedisChatPace(TEST_REDIS_URL);
    made.push(p);
    return p;
  };
  afterAll(async () => {
    for (const p of made) await p.close();
  });

  it('chat pace - keeps the lines of the window and the last one; forgets what is older than asked', async () => {
    const pace = open();
    const k = key();
    expect(await pace.read(k, 0)).toEqual({ last: undefined, stamps: [] });
    for (const at of [1_000, 2_000, 2_000, 9_000]) await pace.record(k, at, 10_000);
    expect(await pace.read(k, 1_500)).toEqual({ last: 9_000, stamps: [2_000, 2_000, 9_000] });
    await pace.record(k, 15_000, 10_000); // 1,000 and 2,000 are now older than 10 s
    expect(await pace.read(k, 0)).toEqual({ last: 15_000, stamps: [9_000, 15_000] });
  });

  it('chat pace - keys are separate (one user, one show)', async () => {
    const pace = open();
    const [a, b] = [key(), key()];
    await pace.record(a, 5_000, 10_000);
    expect((await pace.read(b, 0)).stamps).toEqual([]);
  });

  it.skipIf(kind === 'memory')(
    'chat pace - two nodes see one history: the burst limit holds across them',
    async () => {
      const [nodeA, nodeB] = [open(), open()];
      const k = key();
      const now = Date.now();
      // Five lines through node A, then a sixth asked of node B within the window.
      for (let i = 0; i < 5; i++) await nodeA.record(k, now + i, CHAT_RATE_WINDOW_MS);
      const seen = await nodeB.read(k, now + 10 - CHAT_RATE_WINDOW_MS);
      const decision = chatAllowed({
        now: now + 10,
        lastMessageAt: seen.last,
        slowModeSeconds: 0,
        recentTimestamps: [...seen.stamps],
        muted: false,
        banned: false,
        privileged: false,
      });
      expect(decision).toMatchObject({ ok: false, code: 'chat_rate_limited' });
    },
  );
});
