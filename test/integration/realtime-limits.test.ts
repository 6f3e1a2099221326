import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.ts';
import type { ChannelHub } from '../../src/realtime/channel-hub.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket, type TestSocket } from '../helpers/ws-client.ts';

const PER_ADDRESS = 3;
const PER_USER = 2;
const SUBSCRIPTIONS = 3;

describe('real-time limits', () => {
  let t: TestApp;
  let base: string;
  let hub: ChannelHub;
  let host: Actor;
  /** The server's end of each TCP connection, by the client's port. */
  const serverSockets = new Map<number, Socket>();
  beforeAll(async () => {
    t = await createTestApp({
      config: {
        port: 0,
        host: '127.0.0.1',
        trustProxy: true,
        wsMaxConnectionsPerIp: PER_ADDRESS,
        wsMaxConnectionsPerUser: PER_USER,
        wsMaxSubscriptions: SUBSCRIPTIONS,
      },
    });
    base = await t.fm.listen();
    t.fm.app.server.on('connection', (s: Socket) => serverSockets.set(s.remotePort as number, s));
    hub = t.fm.realtime?.hub as ChannelHub;
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  /** A socket from `address` (the trusted proxy's X-Forwarded-For). */
  const from = (address: string, token?: string) =>
    openSocket(base, { headers: { 'x-forwarded-for': `${address}, 10.0.0.1` }, ...(token ? { token } : {}) });

  /** Closes a client socket and waits until the server has closed its end (its slot is free). */
  async function closeAndWait(s: TestSocket): Promise<void> {
    const local = (s.ws as unknown as { _socket: Socket })._socket.localPort as number;
    const server = serverSockets.get(local) as Socket;
    const gone = new Promise((resolve) => server.once('close', resolve));
    s.close();
    await gone;
  }

  const turnedAway = async (s: TestSocket) => {
    const error = await s.next((m) => m.op === 'error');
    return { code: error.code, close: (await s.closed).code };
  };

  it('realtime limits - an address holds at most its share of sockets; the next is told why and closed 1013', async () => {
    const mine = await Promise.all(Array.from({ length: PER_ADDRESS }, () => from('198.51.100.10')));
    const extra = await from('198.51.100.10');
    expect(await turnedAway(extra)).toEqual({ code: 'too_many_connections', close: 1013 });
    const metrics = await t.http('GET', '/metrics');
    expect(metrics.body).toMatch(/flashmob_ws_dropped_total\{reason="too_many_connections"\} [1-9]/);
    // Another address is not held back.
    const other = await from('198.51.100.11');
    other.send({ op: 'ping', id: 1 });
    expect(await other.next((m) => m.op === 'pong')).toEqual({ op: 'pong', id: 1 });
    // A socket closed gives its slot back.
    await closeAndWait(mine[0] as TestSocket);
    const again = await from('198.51.100.10');
    again.send({ op: 'ping', id: 2 });
    expect(await again.next((m) => m.op === 'pong')).toEqual({ op: 'pong', id: 2 });
    for (const s of [...mine.slice(1), other, again]) await closeAndWait(s);
    expect(t.fm.realtime?.gateway.caps.counts().addresses.size).toBe(0);
  });

  it('realtime limits - a user holds at most their share of sockets, by subprotocol token or auth frame', async () => {
    const [buyer, other] = (await makeBuyers(t.fm, 2)) as [Actor, Actor];
    const a = await from('203.0.113.1', buyer.token);
    const b = await from('203.0.113.2', buyer.token);
    expect(await turnedAway(await from('203.0.113.3', buyer.token))).toEqual({
      code: 'too_many_connections',
      close: 1013,
    });
    // Signing in on an open socket is refused the same way; the socket stays open, anonymous.
    const anonymous = await from('203.0.113.4');
    anonymous.send({ op: 'auth', token: buyer.token });
    expect((await anonymous.next((m) => m.op === 'error')).code).toBe('too_many_connections');
    anonymous.send({ op: 'sub', ch: 'user' });
    expect((await anonymous.next((m) => m.op === 'error' && m.ch === 'user')).code).toBe('unauthenticated');
    // Another user is not held back, and a closed socket frees the user's slot.
    anonymous.send({ op: 'auth', token: other.token });
    expect((await anonymous.next((m) => m.op === 'authed')).user).toBe(other.id);
    await closeAndWait(a);
    const c = await from('203.0.113.5');
    c.send({ op: 'auth', token: buyer.token });
    expect((await c.next((m) => m.op === 'authed')).user).toBe(buyer.id);
    for (const s of [b, c, anonymous]) await closeAndWait(s);
    expect(t.fm.realtime?.gateway.caps.counts().users.size).toBe(0);
  });

  it('realtime limits - a connection may be in a few channels; a refused subscription leaves nothing registered', async () => {
    const sales = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS + 1 }, () => makeSale(t.fm, host, { items: [{ stock: 5 }] })),
    );
    const s = await from('192.0.2.20');
    const sub = async (ch: string) => {
      s.send({ op: 'sub', ch });
      return s.next((m) => (m.op === 'subscribed' || m.op === 'error') && m.ch === ch);
    };
    for (const sale of sales.slice(0, SUBSCRIPTIONS))
      expect((await sub(`sale:${sale.id}`)).op).toBe('subscribed');
    const last = `sale:${sales[SUBSCRIPTIONS]?.id}`;
    expect(await sub(last)).toMatchObject({ op: 'error', code: 'too_many_subscriptions', ch: last });
    expect(hub.isActive(last)).toBe(false);
    // Subscribing again to a channel it is in is not one more.
    s.messages.length = 0;
    expect((await sub(`sale:${sales[0]?.id}`)).op).toBe('subscribed');
    // Leaving one makes room.
    s.send({ op: 'unsub', ch: `sale:${sales[0]?.id}` });
    await s.next((m) => m.op === 'unsubscribed');
    expect(hub.isActive(`sale:${sales[0]?.id}`)).toBe(false);
    expect((await sub(last)).op).toBe('subscribed');
    expect(hub.isActive(last)).toBe(true);
    await closeAndWait(s);
    for (const sale of sales) expect(hub.isActive(`sale:${sale.id}`)).toBe(false);
  });

  it('realtime limits - a subscription refused by its channel (no such sale) is not left registered', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5 }] });
    const s = await from('192.0.2.21');
    const ghosts = Array.from({ length: SUBSCRIPTIONS + 2 }, () => `sale:${newId('sale')}`);
    for (const ch of ghosts) {
      s.send({ op: 'sub', ch });
      expect((await s.next((m) => m.op === 'error' && m.ch === ch)).code).toBe('not_found');
      expect(hub.isActive(ch)).toBe(false);
    }
    // None of them counts against the cap: a real channel is still welcome.
    s.send({ op: 'sub', ch: `sale:${sale.id}` });
    await s.next((m) => m.op === 'subscribed' && m.ch === `sale:${sale.id}`);
    await closeAndWait(s);
    expect(hub.isActive(`sale:${sale.id}`)).toBe(false);
  });
});
