import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type DrawRecord, FAIR_DRAW_ALGORITHM, verifyDrawRecord } from '../domain/fair-draw.ts';

export const VERIFY_DRAW_USAGE =
  'verify-draw --giveaway ID [--server URL] | verify-draw --file PROOF.json   check a giveaway draw from its published proof';

/**
 * `flashmob verify-draw`: recomputes a giveaway's winner from its published proof (the revealed
 * seed, its commitment and the sorted entrants) with the same code the server draws with
 * (domain/fair-draw.ts), and says whether it holds. Reads the proof from a running server or a
 * saved file; trusts nothing the proof says about itself (`verified` is ignored).
 */
export async function verifyDrawCommand(argv: string[]): Promise<{ ok: boolean; text: string }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      giveaway: { type: 'string' },
      server: { type: 'string', default: 'http://127.0.0.1:3000' },
      file: { type: 'string' },
    },
  });
  let proof: Record<string, unknown>;
  if (values.file) proof = JSON.parse(readFileSync(values.file, 'utf8'));
  else if (values.giveaway) {
    const url = new URL(`/api/giveaways/${encodeURIComponent(values.giveaway)}/proof`, values.server);
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return { ok: false, text: `could not read the proof: ${res.status} from ${url}` };
    proof = (await res.json()) as Record<string, unknown>;
  } else return { ok: false, text: `usage: flashmob ${VERIFY_DRAW_USAGE}` };
  if (proof['algorithm'] !== FAIR_DRAW_ALGORITHM)
    return {
      ok: false,
      text: `this draw does not use ${FAIR_DRAW_ALGORITHM} (algorithm: ${String(proof['algorithm'])})`,
    };
  if (typeof proof['seed'] !== 'string')
    return { ok: false, text: 'the seed is not revealed yet: the draw has not been made' };
  const record = proof as unknown as DrawRecord;
  const verdict = verifyDrawRecord(record);
  if (!verdict.ok) return { ok: false, text: `NOT VERIFIED: ${verdict.reason}` };
  return {
    ok: true,
    text:
      `verified: the seed matches its commitment ${record.seedHash}\n` +
      `and picks entrant ${record.winnerIndex + 1} of ${record.entrants.length}, ${record.winnerId}\n`,
  };
}
