import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  FlashmobSocket,
  type Frame,
  type WebSocketCtor,
  type WebSocketLike,
} from '../../src/client/index.ts';
import { makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * A WebSocket whose every message is held back by a random 0–50 ms, independently in each
 * direction (an asymmetric, jittery network), for the clock test.
 */
function delayedWebSocket(maxDelayMs: number): WebSocketCtor {
  return class Delayed implements WebSocketLike {
    private readonly inner: WebSocket;
    onopen: ((ev: unknown) => void) | null = null;
    onmessage: ((ev: { data: unknown }) => void) | null = null;
    onclose: ((ev: { code: number; reason: string }) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    constructor(url: string, protocols?: string | string[]) {
      this.inner = new WebSocket(url, protocols);
      this.inner.on('open', () => this.onopen?.({}));
      this.inner.on('message', (data) =>
        setTimeout(() => this.onmessage?.({ data: String(data) }), Math.random() * maxDelayMs),
      );
      this.inner.on('close', (code, reason) => this.onclose?.({ code, reason: String(reason) }));
      this.inner.on('error', (e) => this.onerror?.(e));
    }
    get readyState() {
      return this.inner.readyState;
    }
    send(data: string) {
      setTimeout(() => this.inner.readyState === 1 && this.inner.send(data), Math.random() * maxDelayMs);
    }
    close(code?: number, reason?: string) {
      this.inner.close(code, reason);
    }
  };
}

describe.each(await storeKinds())('client library (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ store: kind, config: { port: 0, host: '127.0.0.1', wsTickMs: 50 } });
    base = (await t.fm.listen()).replace(/^http/, 'ws');
  });
  afterAll(() => t.close());

  it('client - a clock 5 s fast, behind asymmetric random delays of 0–50 ms, is corrected within 10 ms', async () => {
    const skew = 5_000;
    for (let trial = 0; trial < 3; trial++) {
      const client = new FlashmobSocket({
        url: `${base}/ws`,
        WebSocket: delayedWebSocket(50),
        now: () => Date.now() + skew,
      });
      const synced = client.synced();
      client.connect();
      await synced;
      expect(Math.abs(client.clockOffset() + skew)).toBeLessThan(10);
      expect(Math.abs(client.serverNow() - Date.now())).toBeLessThan(12);
      client.close();
    }
  });

  it('client - a refused token closes for good (4001) and says so, instead of retrying forever', async () => {
    const statuses: string[] = [];
    const errors: string[] = [];
    const client = new FlashmobSocket({
      url: `${base}/ws`,
      WebSocket: WebSocket as unknown as WebSocketCtor,
      token: 'eyJhbGciOiJIUzI1NiJ9.e30.forged',
      onStatus: (s) => statuses.push(s),
      onError: (e) => errors.push(e.code),
    });
    client.connect();
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    // Whether to reconnect is decided in the close handler that reported the error: a client
    // that would try again is 'reconnecting' by now, with no need to wait for its attempt.
    expect(errors).toEqual(['unauthorized']);
    expect(client.state).toBe('closed');
    expect(statuses).not.toContain('reconnecting');
    client.close();
  });

  it('client - reconnects with backoff, restores subscriptions and keeps receiving', async () => {
    const host = await makeUser(t.fm, 'host');
    const [buyer] = await makeBuyers(t.fm, 1);
    const sale = await makeSale(t.fm, host, { items: [{ stock: 10, perBuyerLimit: 10 }] });
    const sku = sale.items[0]?.sku as string;
    const statuses: string[] = [];
    const client = new FlashmobSocket({
      url: `${base}/ws`,
      WebSocket: WebSocket as unknown as WebSocketCtor,
      token: buyer?.token,
      onStatus: (s) => statuses.push(s),
    });
    const stock: number[] = [];
    const mine: string[] = [];
    client.subscribe<{ items: Array<{ remaining: number }> }>(`sale:${sale.id}`, (f) => {
      if (f.ev === 'state') stock.push(f.data.items[0]?.remaining ?? -1);
    });
    client.subscribe('user', (f: Frame) => mine.push(f.ev));
    client.connect();
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(cond()).toBe(true);
    };
    await until(() => stock.at(-1) === 10 && mine.includes('reset'));
    // Kill every connection on the server side: the client must come back on its own.
    for (const c of (t.fm.realtime as any).gateway.connections) c.ws.terminate();
    await until(() => statuses.includes('reconnecting'));
    await until(() => client.state === 'open');
    await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer?.token,
      body: { sku, quantity: 4, idempotencyKey: 'r1' },
    });
    await until(() => stock.at(-1) === 6 && mine.includes('reservation.created'));
    expect(client.countdown(sale.endsAt).msLeft).toBeGreaterThan(0);
    client.close();
  });
});
