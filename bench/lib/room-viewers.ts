/**
 * Show viewers for the live-room benchmark: `count` WebSockets subscribed to one show. Every
 * viewer reads and counts every frame; one in `SAMPLE_EVERY` also parses it and adds each chat
 * line's latency (the sender wrote its send time into each line) to a histogram (1 ms buckets).
 * Sampling keeps the client processes, which share the server's machine, from measuring their
 * own JSON parsing (real viewers are on their own devices). Driven over IPC by live-room-bench.ts.
 */
import WebSocket from 'ws';
import { openInWaves, serveReport } from './viewer-process.ts';

const [url, showId, countArg] = process.argv.slice(2) as [string, string, string];
const count = Number(countArg);
const SAMPLE_EVERY = 10;
const CHAT = Buffer.from('"ev":"chat"');
const STATE = Buffer.from('"ev":"state"');
const CHANNEL = Buffer.from('{"ch"');
let sampled = 0;
const histogram = new Array<number>(10_001).fill(0);
let frames = 0;
let chatFrames = 0;
let stateFrames = 0;
let measuring = false;
const sockets: WebSocket[] = [];

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['flashmob']);
    sockets.push(ws);
    let ready = false;
    const measured = sockets.length % SAMPLE_EVERY === 1;
    if (measured) sampled += 1;
    ws.on('open', () => ws.send(JSON.stringify({ op: 'sub', ch: `show:${showId}` })));
    ws.on('message', (data) => {
      const now = Date.now();
      // The event's name is near the start (`{"ch":"show:…","ev":"chat",…`): no decoding to find it.
      const head = (data as Buffer).subarray(0, 96);
      const ev = head.includes(CHAT)
        ? 'chat'
        : head.includes(STATE)
          ? 'state'
          : head.includes(CHANNEL)
            ? 'other'
            : '';
      if (!ready && ev === 'state') {
        ready = true;
        resolve();
      }
      if (!measuring || !ev) return;
      frames += 1;
      if (ev === 'state') stateFrames += 1;
      if (ev !== 'chat') return;
      chatFrames += 1;
      if (!measured) return;
      const m = JSON.parse(String(data)) as { data?: { messages?: Array<{ text: string }> } };
      for (const line of m.data?.messages ?? []) {
        const sent = Number(/^t=(\d+)/.exec(line.text)?.[1]);
        const bucket = Math.min(10_000, Math.max(0, now - sent));
        if (sent) histogram[bucket] = (histogram[bucket] ?? 0) + 1;
      }
    });
    ws.on('error', reject);
  });
}

await openInWaves(count, () => open());
serveReport(
  count,
  () => {
    measuring = false;
    return { histogram, frames, chatFrames, stateFrames, viewers: count, sampled };
  },
  sockets,
  (m) => {
    if (m.start) measuring = true;
  },
);
