/**
 * A viewer process for the fan-out benchmark: opens `count` connections (flashmob /ws or
 * Socket.IO), subscribes them to one sale, and records when each state frame arrives.
 * Driven over IPC by fanout-bench.ts: 'ready' when all are subscribed, then on 'report' it sends
 * [remaining, receivedAtMs] pairs (flattened) and exits.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { openInWaves, serveReport } from './viewer-process.ts';

const [system, urlArg, saleId, countArg] = process.argv.slice(2);
const url = urlArg as string;
const count = Number(countArg);
const arrivals: number[] = [];
const sockets: Array<WebSocket | Socket> = [];
let subscribed = 0;

function record(state: { items?: Array<{ remaining: number }> }): void {
  const remaining = state.items?.[0]?.remaining;
  if (typeof remaining === 'number') arrivals.push(remaining, Date.now());
}

function openFlashmob(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['flashmob']);
    sockets.push(ws);
    let first = true;
    ws.on('open', () => ws.send(JSON.stringify({ op: 'sub', ch: `sale:${saleId}` })));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { ev?: string; data?: unknown };
      if (m.ev !== 'state') return;
      if (first) {
        first = false;
        subscribed++;
        resolve();
        return;
      }
      record(m.data as { items: Array<{ remaining: number }> });
    });
    ws.on('error', reject);
  });
}

function openSocketIo(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = ioClient(url as string, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    s.on('connect', () => {
      subscribed++;
      resolve();
    });
    s.on('state', (state: { items: Array<{ remaining: number }> }) => record(state));
    s.on('connect_error', reject);
  });
}

await openInWaves(count, system === 'socketio' ? openSocketIo : openFlashmob);
serveReport(subscribed, () => ({ arrivals }), sockets as Array<{ close(): void }>);
