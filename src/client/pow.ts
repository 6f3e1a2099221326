import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The client side of the waiting room's proof of work: find a `solution` such that
 * sha256(challenge + ":" + solution) starts with `difficulty` zero bits (the server's
 * src/domain/proof-of-work.ts checks the same thing). Hashing uses @noble/hashes (synchronous,
 * audited, the same in browsers and Node); the search runs off the main thread.
 */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

const encoder = new TextEncoder();

export function solvePow(challenge: string, difficulty: number, maxIterations = 2 ** 32): string | undefined {
  for (let counter = 0; counter < maxIterations; counter++) {
    const solution = counter.toString(10);
    if (leadingZeroBits(sha256(encoder.encode(`${challenge}:${solution}`))) >= difficulty) return solution;
  }
  return undefined;
}

/** Node: the same search with node:crypto, in a worker thread (no module loading in the worker). */
const NODE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { challenge, difficulty } = workerData;
function zeros(buf) { let bits = 0; for (const b of buf) { if (b === 0) { bits += 8; continue; } return bits + Math.clz32(b) - 24; } return bits; }
for (let c = 0; ; c++) {
  const s = c.toString(10);
  if (zeros(createHash('sha256').update(challenge + ':' + s).digest()) >= difficulty) { parentPort.postMessage(s); break; }
}`;

/** Solves without blocking the page (a Web Worker) or the process (a worker thread). */
export async function solvePowInBackground(challenge: string, difficulty: number): Promise<string> {
  if (typeof window !== 'undefined' && typeof Worker !== 'undefined') {
    const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
    try {
      return await new Promise<string>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<string>) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
        worker.postMessage({ challenge, difficulty });
      });
    } finally {
      worker.terminate();
    }
  }
  const { Worker: NodeWorker } = await import('node:worker_threads');
  const worker = new NodeWorker(NODE_WORKER, { eval: true, workerData: { challenge, difficulty } });
  try {
    return await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}
