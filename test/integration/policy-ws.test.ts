import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../factories/index.ts';
import { buildWorld, ROLE_NAMES, type RoleName, type World } from '../factories/world.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

/**
 * The WebSocket half of the route × role × ownership table: every channel kind a client can
 * subscribe to, and the one message a client can send (chat into a show), per role.
 * `ok` lists the roles the policy lets in; the others get `refusal`.
 */
const CHANNELS: Array<{
  name: (w: World) => string;
  ok: readonly RoleName[];
  refusal: string;
  anon?: string;
}> = [
  { name: (w) => `sale:${w.saleId}`, ok: ROLE_NAMES, refusal: '' },
  { name: (w) => `show:${w.showId}`, ok: ROLE_NAMES, refusal: '' },
  { name: (w) => `show:${w.showId}:host`, ok: ['mod', 'host', 'admin'], refusal: 'forbidden' },
  { name: () => 'user', ok: ROLE_NAMES.filter((r) => r !== 'anon'), refusal: 'unauthenticated' },
  // A user channel is only ever `user` (the caller's own): another's cannot even be named.
  { name: (w) => `user:${w.actors.buyer.id}`, ok: [], refusal: 'not_found' },
  {
    name: (w) => `queue:${w.roomSaleId}:${w.ticket}`,
    ok: ['buyer'],
    refusal: 'not_found',
    anon: 'unauthenticated',
  },
];

describe.each(await storeKinds())('policy - WebSocket channels and messages (%s)', (kind) => {
  let t: TestApp;
  let w: World;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ store: kind, config: { port: 0, host: '127.0.0.1' } });
    base = await t.fm.listen();
    w = await buildWorld(t);
  });
  afterAll(() => t?.close());

  /** Subscribes and answers 'ok' or the refusal's code. */
  const subscribe = async (role: RoleName, ch: string): Promise<string> => {
    const token = w.token(role);
    const s = await openSocket(base, token ? { token } : {});
    try {
      s.send({ op: 'sub', ch });
      const m = await s.next((f) => f.op === 'subscribed' || f.op === 'error');
      return m.op === 'subscribed' ? 'ok' : String(m.code);
    } finally {
      s.close();
    }
  };

  it('policy - every channel kind × every role is let in or refused as the policy says', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const c of CHANNELS)
      for (const role of ROLE_NAMES) {
        const ch = c.name(w);
        const refusal = role === 'anon' && c.anon ? c.anon : c.refusal;
        want.push(`${ch} ${role} ${c.ok.includes(role) ? 'ok' : refusal}`);
        got.push(`${ch} ${role} ${await subscribe(role, ch)}`);
      }
    expect(got).toEqual(want);
  });

  it('policy - chat sent over the socket: signed-in viewers may, anonymous and banned ones may not', async () => {
    const send = async (role: RoleName) => {
      const token = w.token(role);
      const s = await openSocket(base, token ? { token } : {});
      try {
        s.send({ op: 'sub', ch: `show:${w.showId}` });
        const first = await s.next((f) => f.op === 'subscribed' || f.op === 'error');
        if (first.op === 'error') return String(first.code);
        const text = uniq('ws ');
        s.send({ op: 'send', ch: `show:${w.showId}`, ev: 'chat', data: { text } });
        const m = await s.next(
          (f) => f.op === 'error' || (f.ev === 'chat' && JSON.stringify(f.data).includes(text)),
        );
        return m.op === 'error' ? String(m.code) : 'ok';
      } finally {
        s.close();
      }
    };
    expect(await send('anon')).toBe('unauthenticated');
    expect(await send('otherBuyer')).toBe('ok');
    expect(await send('host')).toBe('ok');
    const host = w.actors.host;
    await t.http('POST', `/api/shows/${w.showId}/moderation`, {
      token: host.token,
      body: { userId: w.actors.otherBuyer.id, action: 'ban' },
    });
    expect(await send('otherBuyer')).toBe('banned');
  });
});
