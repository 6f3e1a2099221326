import type { StoreKind } from '../../src/platform/store/store.ts';
import { type Actor, makeUser } from '../factories/index.ts';
import { SkippingClock } from './clock.ts';
import { createTestApp, type TestApp } from './test-app.ts';
import { openSocket, type TestSocket } from './ws-client.ts';

/**
 * The setting of the live-show suites: an app listening on a port with fast ticks, a host, and
 * a clock the test can move (a SkippingClock: the rooms' ticks run on real timers) (a show's settings are cached for a second: the test advances the
 * clock past it instead of sleeping).
 */
export interface ShowStage {
  readonly t: TestApp;
  readonly base: string;
  readonly host: Actor;
  readonly clock: SkippingClock;
}

export async function openShowStage(store: StoreKind): Promise<ShowStage> {
  const clock = new SkippingClock();
  const t = await createTestApp({
    store,
    clock,
    config: { port: 0, host: '127.0.0.1', wsTickMs: 50, showTickMs: 50 },
  });
  const base = await t.fm.listen();
  const host = await makeUser(t.fm, 'host');
  return { t, base, host, clock };
}

/** A viewer in a show's room (signed in with `token`), once the room's state has arrived. */
export async function joinShowRoom(base: string, showId: string, token?: string): Promise<TestSocket> {
  const s = await openSocket(base, token ? { token } : {});
  s.send({ op: 'sub', ch: `show:${showId}` });
  await s.next((m) => m.ch === `show:${showId}` && m.ev === 'state');
  return s;
}
