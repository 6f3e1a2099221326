/**
 * `npm run bench [-- suite…]`: runs the benchmark suites in one go and writes their sections of
 * docs/BENCHMARKS.md. Suites: claims, fanout (default: all).
 */
import { claimsBench } from './claims-bench.ts';
import { fanoutBench } from './fanout-bench.ts';
import { liveRoomBench } from './live-room-bench.ts';
import { scaleOutBench } from './scale-out-bench.ts';
import { waitingRoomBench } from './waiting-room-bench.ts';

const SUITES: Record<string, () => Promise<void>> = {
  claims: claimsBench,
  fanout: fanoutBench,
  'waiting-room': waitingRoomBench,
  'live-room': liveRoomBench,
  'scale-out': scaleOutBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(SUITES);
for (const name of names) {
  const suite = SUITES[name];
  if (!suite) {
    process.stderr.write(`unknown suite "${name}"; known: ${Object.keys(SUITES).join(', ')}\n`);
    process.exit(1);
  }
  await suite();
}
process.exit(0);
