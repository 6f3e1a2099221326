/// <reference lib="webworker" />
import { solvePow } from './pow.ts';

/** Web Worker: receives {challenge, difficulty}, posts back the solution. */
self.onmessage = (e: MessageEvent<{ challenge: string; difficulty: number }>) => {
  const solution = solvePow(e.data.challenge, e.data.difficulty);
  (self as unknown as { postMessage(m: unknown): void }).postMessage(solution);
};
