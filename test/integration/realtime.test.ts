import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

describe.each(await storeKinds())('real-time gateway (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({
      store: kind,
      config: {
        port: 0,
        host: '127.0.0.1',
        wsTickMs: 100,
        wsHeartbeatMs: 300,
        wsMaxBufferedBytes: 64 * 1024,
      },
    });
    base = await t.fm.listen();
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const claim = (b: Actor, saleId: string, sku: string, key: string, quantity = 1) =>
    t.http('POST', `/api/sales/${saleId}/claims`, {
      token: b.token,
      body: { sku, quantity, idempotencyKey: key },
    });

  it('realtime - a subscriber gets the current state first, then the changes made by claims', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5, perBuyerLimit: 5 }] });
    const sku = sale.items[0]?.sku as string;
    const s = await openSocket(base);
    s.send({ op: 'sub', ch: `sale:${sale.id}` });
    const first = await s.next((m) => m.ch === `sale:${sale.id}` && m.ev === 'state');
    expect(first.data).toMatchObject({
      id: sale.id,
      status: 'live',
      items: [{ sku, remaining: 5, stock: 5 }],
    });
    expect(typeof first.data.serverTime).toBe('string');
    await s.next((m) => m.op === 'subscribed');
    const [buyer] = await makeBuyers(t.fm, 1);
    await claim(buyer as Actor, sale.id, sku, 'a', 2);
    const changed = await s.next((m) => m.ev === 'state' && m.data.items[0].remaining === 3);
    expect(changed.seq).toBeGreaterThan(first.seq);
    await claim(buyer as Actor, sale.id, sku, 'b', 3);
    const soldOut = await s.next((m) => m.ev === 'state' && m.data.status === 'sold_out');
    expect(soldOut.data.items[0].remaining).toBe(0);
    s.close();
  });

  it('realtime - claims made through the engine keep every viewer exact under a crowd', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 300, perBuyerLimit: 3 }] });
    const sku = sale.items[0]?.sku as string;
    const s = await openSocket(base);
    s.send({ op: 'sub', ch: `sale:${sale.id}` });
    await s.next((m) => m.ev === 'state');
    const buyers = await makeBuyers(t.fm, 120);
    await Promise.all(buyers.flatMap((b) => [0, 1, 2].map((k) => claim(b, sale.id, sku, `k${k}`))));
    // Under a loaded machine (the whole suite on 2 cores) the embedded tail can trail by seconds.
    const last = await s.next((m) => m.ev === 'state' && m.data.items[0].remaining === 0, 15_000);
    expect(last.data.status).toBe('sold_out');
    s.close();
  });

  it('realtime - presence counts viewers of a channel, conflated', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 1 }] });
    const viewers = await Promise.all([1, 2, 3, 4].map(() => openSocket(base)));
    for (const v of viewers) v.send({ op: 'sub', ch: `sale:${sale.id}` });
    const p = await (viewers[0] as Awaited<ReturnType<typeof openSocket>>).next(
      (m) => m.ev === 'presence' && m.data.viewers === 4,
      2_000,
    );
    expect(p.data.viewers).toBe(4);
    // A glance (a card on a list page) gets the frames without counting as a viewer.
    const glance = await openSocket(base);
    glance.send({ op: 'sub', ch: `sale:${sale.id}`, presence: false });
    await glance.next((m) => m.ev === 'state');
    // A new subscriber learns the count at once (the glance changes nothing, so no tick sends it).
    expect((await glance.next((m) => m.ev === 'presence', 1_000)).data.viewers).toBe(4);
    viewers[3]?.close();
    const first = viewers[0] as Awaited<ReturnType<typeof openSocket>>;
    const three = await first.next((m) => m.ev === 'presence' && m.data.viewers === 3, 2_000);
    // It stays at 3 until someone joins: every count between the drop and the next join is 3.
    const late = await openSocket(base);
    late.send({ op: 'sub', ch: `sale:${sale.id}` });
    const after = (m: unknown) => first.messages.indexOf(m) > first.messages.indexOf(three);
    const four = await first.next((m) => m.ev === 'presence' && m.data.viewers === 4 && after(m), 2_000);
    const counts = first.messages.filter((m) => m.ev === 'presence');
    const between = counts.slice(counts.indexOf(three), counts.indexOf(four));
    expect(between.map((m) => m.data.viewers)).toEqual(between.map(() => 3));
    glance.close();
    late.close();
    for (const v of viewers) v.close();
  });

  it('realtime - clock sync answers {op:time, c} with the server time', async () => {
    const s = await openSocket(base);
    s.send({ op: 'time', c: 123 });
    const m = await s.next((x) => x.op === 'time');
    expect(m.c).toBe(123);
    expect(Math.abs(m.s - Date.now())).toBeLessThan(1_000);
    s.close();
  });

  it('realtime - bad frames get an error frame and the connection stays usable', async () => {
    const s = await openSocket(base);
    s.send('not json');
    expect((await s.next((m) => m.op === 'error')).code).toBe('bad_frame');
    s.send({ op: 'fly' });
    s.send({ op: 'sub', ch: 'nope:1' });
    s.send({ op: 'sub', ch: 'sale:not-an-id' });
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    s.send({ op: 'time', c: 'x'.repeat(5_000) });
    // The unknown sale is looked up; once its answer is in, a ping's pong comes after the rest.
    await s.next((m) => m.op === 'error' && m.code === 'not_found');
    s.send({ op: 'ping', id: 1 });
    await s.next((m) => m.op === 'pong' && m.id === 1);
    const codes = s.messages.filter((m) => m.op === 'error').map((m) => m.code);
    expect(codes.sort()).toEqual([
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'frame_too_large',
      'not_found',
    ]);
    s.send({ op: 'ping', id: 7 });
    expect(await s.next((m) => m.op === 'pong' && m.id === 7)).toEqual({ op: 'pong', id: 7 });
    s.close();
  });

  it('realtime - a client flooding frames is told to slow down, then closed for abuse', async () => {
    const s = await openSocket(base);
    for (let i = 0; i < 200; i++) s.send({ op: 'ping', id: i });
    const closed = await s.closed;
    expect(closed.code).toBe(4029);
    expect(s.messages.some((m) => m.code === 'rate_limited')).toBe(true);
  });

  it('realtime - a slow consumer is closed with 4008 instead of being buffered without bound', async () => {
    const sale = await makeSale(t.fm, host, { items: [{ stock: 1 }] });
    const s = await openSocket(base);
    s.send({ op: 'sub', ch: `sale:${sale.id}` });
    await s.next((m) => m.ev === 'state');
    (s.ws as any)._socket.pause(); // stops reading: the server's buffer for it can only grow
    const big = { blob: 'x'.repeat(200_000) };
    // Until the server drops it (the paused client cannot see that): publishing on would only
    // delay the client's reading past the server's 1 s grace for the close frame.
    const serverSide = () =>
      [...((t.fm.realtime as any).hub.channels.get(`sale:${sale.id}`)?.subscribers ?? [])][0]?.ws;
    for (let i = 0; i < 300 && serverSide()?.readyState === WebSocket.OPEN; i++) {
      t.fm.realtime?.hub.publishState(`sale:${sale.id}`, 'state', big, { immediate: true });
      await new Promise((r) => setImmediate(r));
    }
    // Out of the channel at once (no longer sent to, no longer a viewer), before its close completes.
    expect(serverSide()).toBeUndefined();
    (s.ws as any)._socket.resume();
    expect((await s.closed).code).toBe(4008);
  });

  it('realtime - heartbeats reap a connection that no longer answers pings', async () => {
    const s = await openSocket(base, { autoPong: false });
    const started = Date.now();
    const closed = await s.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('realtime - the user channel refuses a missing or forged token, and tells a buyer about their own holds', async () => {
    const anon = await openSocket(base);
    anon.send({ op: 'sub', ch: 'user' });
    expect((await anon.next((m) => m.op === 'error')).code).toBe('unauthenticated');
    anon.send({ op: 'auth', token: 'forged.token.here' });
    expect((await anon.next((m) => m.op === 'error' && m.code === 'invalid_token')).code).toBe(
      'invalid_token',
    );
    anon.close();
    // A forged token in the subprotocol: the socket opens and closes at once with 4001.
    const forged = new WebSocket(`${base}/ws`, ['flashmob', 'bearer.eyJhbGciOiJIUzI1NiJ9.e30.forged']);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      forged.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    expect(closed).toEqual({ code: 4001, reason: 'invalid token' });

    const [buyer, other] = await makeBuyers(t.fm, 2);
    const sale = await makeSale(t.fm, host, { items: [{ stock: 3 }] });
    const sku = sale.items[0]?.sku as string;
    const me = await openSocket(base, { token: (buyer as Actor).token });
    me.send({ op: 'sub', ch: 'user' });
    const reset = await me.next((m) => m.ch === 'user' && m.ev === 'reset');
    expect(reset.data).toEqual({ reservations: [], orders: [] });
    const them = await openSocket(base);
    them.send({ op: 'auth', token: (other as Actor).token });
    await them.next((m) => m.op === 'authed');
    them.send({ op: 'sub', ch: 'user' });
    await them.next((m) => m.ev === 'reset');
    const r = await claim(buyer as Actor, sale.id, sku, 'u1');
    const created = await me.next((m) => m.ev === 'reservation.created');
    expect(created.data).toMatchObject({ id: r.json().reservation.id, saleId: sale.id, quantity: 1 });
    // Anything sent to them with it was written before this ping's pong.
    them.send({ op: 'ping', id: 1 });
    await them.next((m) => m.op === 'pong' && m.id === 1);
    expect(them.messages.some((m) => m.ev === 'reservation.created')).toBe(false);
    await t.http('DELETE', `/api/reservations/${r.json().reservation.id}`, { token: (buyer as Actor).token });
    expect((await me.next((m) => m.ev === 'reservation.released')).data.id).toBe(r.json().reservation.id);
    me.close();
    them.close();
  });

  it('realtime - a resubscribe with since replays what was missed on event channels', async () => {
    const [buyer] = await makeBuyers(t.fm, 1);
    const sale = await makeSale(t.fm, host, { items: [{ stock: 5, perBuyerLimit: 5 }] });
    const sku = sale.items[0]?.sku as string;
    const keep = await openSocket(base, { token: (buyer as Actor).token }); // keeps the channel's history alive
    keep.send({ op: 'sub', ch: 'user' });
    await keep.next((m) => m.ev === 'reset');
    await claim(buyer as Actor, sale.id, sku, 'h1');
    const first = await keep.next((m) => m.ev === 'reservation.created');
    await claim(buyer as Actor, sale.id, sku, 'h2');
    await claim(buyer as Actor, sale.id, sku, 'h3');
    await keep.next((m) => m.ev === 'reservation.created' && m.seq === first.seq + 2);
    const again = await openSocket(base, { token: (buyer as Actor).token });
    again.send({ op: 'sub', ch: 'user', since: first.seq });
    const replayed = await again.next((m) => m.ev === 'reservation.created' && m.seq === first.seq + 2);
    expect(replayed).toBeDefined();
    expect(again.messages.some((m) => m.ev === 'reset')).toBe(false);
    expect(again.messages.filter((m) => m.ev === 'reservation.created').map((m) => m.seq)).toEqual([
      first.seq + 1,
      first.seq + 2,
    ]);
    keep.close();
    again.close();
  });

  it('realtime - a browser from an origin not on the allow-list is refused', async () => {
    await expect(openSocket(base, { origin: 'https://evil.example' })).rejects.toThrow('403');
    const same = await openSocket(base, { origin: base });
    same.close();
  });
});

describe('real-time gateway on a clock the test moves', () => {
  const TICK_MS = 100;
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({
      clock,
      config: { port: 0, host: '127.0.0.1', wsFramesPerSecond: 20, wsTickMs: TICK_MS },
    });
    base = await t.fm.listen();
  });
  afterAll(() => t.close());

  it('realtime - a burst of 1,000 stock changes in a second reaches each client as about ten frames, the last one exact', async () => {
    const host = await makeUser(t.fm, 'host');
    const sale = await makeSale(t.fm, host, { items: [{ stock: 2_000, perBuyerLimit: 2_000 }] });
    const sku = sale.items[0]?.sku as string;
    const sockets = await Promise.all([1, 2, 3].map(() => openSocket(base)));
    for (const s of sockets) s.send({ op: 'sub', ch: `sale:${sale.id}` });
    await Promise.all(sockets.map((s) => s.next((m) => m.ev === 'state')));
    const before = sockets.map((s) => s.messages.filter((m) => m.ev === 'state').length);
    // 1,000 changes of the item's stock in one second of the clock, each its own version,
    // straight into the projection; the hub's tick runs every 10 ms of it.
    const hub = t.fm.realtime?.hub;
    for (let i = 1; i <= 1_000; i++) {
      t.fm.realtime?.sales.apply({
        seq: i,
        txid: '1',
        id: `evt_${i}`,
        type: 'reservation.released',
        key: sale.id,
        version: 1,
        createdAt: new Date(clock.now()).toISOString(),
        payload: { saleId: sale.id, sku, itemVersion: 1_000 + i, remaining: 2_000 - i },
      });
      clock.advance(1);
      if (i % 10 === 0) hub?.tick();
    }
    clock.advance(TICK_MS);
    hub?.tick();
    for (const [i, s] of sockets.entries()) {
      const last = await s.next((m) => m.ev === 'state' && m.data.items[0].remaining === 1_000);
      expect(s.messages.filter((m) => m.ev === 'state').at(-1)).toBe(last);
      const frames = s.messages.filter((m) => m.ev === 'state').length - (before[i] as number);
      expect(frames).toBeGreaterThanOrEqual(9);
      expect(frames).toBeLessThanOrEqual(12);
    }
    for (const s of sockets) s.close();
  });

  it('realtime - rate-limit strikes are forgiven after a quiet minute: 20 within a minute close the socket, not 20 in a lifetime', async () => {
    const s = await openSocket(base);
    const refusals = () => s.messages.filter((m) => m.code === 'rate_limited').length;
    // The clock stands still: a burst of 40 frames is allowed, then every frame is a strike.
    for (let i = 0; i < 45; i++) s.send({ op: 'ping', id: i });
    await s.next(() => refusals() === 5);
    clock.advance(61_000); // a quiet minute: the bucket is full again and the strikes are forgiven
    for (let i = 0; i < 56; i++) s.send({ op: 'ping', id: 100 + i });
    await s.next(() => refusals() === 21);
    // 5 + 16 strikes in all, but only 16 in this minute: still open.
    clock.advance(1_000);
    s.send({ op: 'ping', id: 999 });
    expect(await s.next((m) => m.op === 'pong' && m.id === 999)).toEqual({ op: 'pong', id: 999 });
    // 20 within the minute do close it.
    for (let i = 0; i < 60; i++) s.send({ op: 'ping', id: 2_000 + i });
    expect((await s.closed).code).toBe(4029);
  });
});
