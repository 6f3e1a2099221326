/**
 * Waiting buyers for the waiting-room benchmark: one WebSocket each (signed in with its own
 * token), subscribed to its own queue channel. Reports when each first saw its position move.
 * Driven over IPC by waiting-room-bench.ts.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { openInWaves, serveReport } from './viewer-process.ts';

const [url, file] = process.argv.slice(2) as [string, string];
const holders = JSON.parse(readFileSync(file, 'utf8')) as Array<{
  token: string;
  ticket: string;
  saleId: string;
}>;
const firstMove: number[] = [];
const sockets: WebSocket[] = [];

function open(h: { token: string; ticket: string; saleId: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, ['flashmob', `bearer.${h.token}`]);
    sockets.push(ws);
    let initial: number | undefined;
    ws.on('open', () => ws.send(JSON.stringify({ op: 'sub', ch: `queue:${h.saleId}:${h.ticket}` })));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { ev?: string; data?: { position: number | null } };
      if (m.ev !== 'state') return;
      const position = m.data?.position ?? null;
      if (initial === undefined) {
        initial = position ?? -1;
        resolve();
      } else if (position !== initial) {
        firstMove.push(Date.now());
        ws.removeAllListeners('message');
      }
    });
    ws.on('error', reject);
  });
}

await openInWaves(holders.length, (i) => open(holders[i] as (typeof holders)[number]));
serveReport(holders.length, () => ({ firstMove }), sockets);
