/**
 * Show viewers for the live-room benchmark: `count` WebSockets subscribed to one show. Each keeps
 * a latency histogram (1 ms buckets) of the chat lines it receives (the sender wrote its send
 * time into each line) and counts frames. Driven over IPC by live-room-bench.ts.
 */
import WebSocket from 'ws';

const [url, showId, countArg] = process.argv.slice(2) as [string, string, string];
const count = Number(countArg);
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
    ws.on('open', () => ws.send(JSON.stringify({ op: 'sub', ch: `show:${showId}` })));
    ws.on('message', (data) => {
      const now = Date.now();
      const m = JSON.parse(String(data)) as { ev?: string; data?: { messages?: Array<{ text: string }> } };
      if (!ready && m.ev === 'state') {
        ready = true;
        resolve();
      }
      if (!measuring || !m.ev) return;
      frames += 1;
      if (m.ev === 'state') stateFrames += 1;
      if (m.ev !== 'chat') return;
      chatFrames += 1;
      for (const line of m.data?.messages ?? []) {
        const sent = Number(/^t=(\d+)/.exec(line.text)?.[1]);
        const bucket = Math.min(10_000, Math.max(0, now - sent));
        if (sent) histogram[bucket] = (histogram[bucket] ?? 0) + 1;
      }
    });
    ws.on('error', reject);
  });
}

for (let i = 0; i < count; i += 200)
  await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => open()));
process.send?.({ ready: count });
process.on('message', (m: { start?: boolean; report?: boolean }) => {
  if (m.start) measuring = true;
  if (!m.report) return;
  measuring = false;
  process.send?.({ histogram, frames, chatFrames, stateFrames, viewers: count }, () => {
    for (const s of sockets) s.close();
    process.exit(0);
  });
});
