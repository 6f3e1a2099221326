import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonical,
  commitment,
  type DrawRecord,
  drawLine,
  fairShuffle,
  listHash,
  ticketHash,
  verifyDrawRecord,
  verifyLineDraw,
  winnerIndex,
} from './fair-draw.ts';

const SEED = 'a1'.repeat(32);
const ENTRANTS = canonical(['usr_c', 'usr_a', 'usr_b', 'usr_a', 'usr_d']);

/** The documented algorithm, written again with node:crypto, as an outside verifier would. */
function independentIndex(seed: string, sorted: string[]): number {
  const hash = createHash('sha256').update(sorted.join('\n')).digest('hex');
  const n = sorted.length;
  const limit = Math.floor(2 ** 48 / n) * n;
  for (let k = 0; ; k++) {
    const mac = createHmac('sha256', Buffer.from(seed, 'hex')).update(`${hash}:winner:${k}`).digest();
    const v = mac.readUIntBE(0, 6);
    if (v < limit) return v % n;
  }
}

function record(): DrawRecord {
  const index = winnerIndex(SEED, ENTRANTS);
  return {
    seed: SEED,
    seedHash: commitment(SEED),
    entrants: ENTRANTS,
    entrantsHash: listHash(ENTRANTS),
    winnerIndex: index,
    winnerId: ENTRANTS[index] as string,
  };
}

describe('fair draw', () => {
  it('fair draw - the commitment is sha256 of the seed bytes and the list hash is sha256 of the sorted ids', () => {
    expect(commitment(SEED)).toBe(createHash('sha256').update(Buffer.from(SEED, 'hex')).digest('hex'));
    expect(listHash(ENTRANTS)).toBe(createHash('sha256').update('usr_a\nusr_b\nusr_c\nusr_d').digest('hex'));
  });

  it('fair draw - the winner follows the documented algorithm (checked by a second implementation)', () => {
    for (let s = 0; s < 50; s++) {
      const seed = createHash('sha256').update(`seed ${s}`).digest('hex');
      expect(winnerIndex(seed, ENTRANTS)).toBe(independentIndex(seed, ENTRANTS));
    }
  });

  it('fair draw - every entrant can win: indices spread over the list', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 200; s++)
      seen.add(winnerIndex(createHash('sha256').update(`${s}`).digest('hex'), ENTRANTS));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('fair draw - a true record verifies', () => {
    expect(verifyDrawRecord(record())).toEqual({ ok: true });
  });

  it('fair draw - changing one entrant, the seed, the winner or the commitment fails verification', () => {
    const r = record();
    const swapped = canonical([...ENTRANTS.slice(1), 'usr_e']);
    expect(verifyDrawRecord({ ...r, entrants: swapped }).ok).toBe(false);
    expect(verifyDrawRecord({ ...r, seed: 'b2'.repeat(32) }).ok).toBe(false);
    const other = ENTRANTS.find((e) => e !== r.winnerId) as string;
    expect(verifyDrawRecord({ ...r, winnerId: other }).ok).toBe(false);
    expect(verifyDrawRecord({ ...r, seedHash: commitment('c3'.repeat(32)) }).ok).toBe(false);
    expect(verifyDrawRecord({ ...r, entrants: [...ENTRANTS].reverse() }).ok).toBe(false);
  });

  it('fair draw - a seeded shuffle is a permutation, the same for the same seed and list', () => {
    const ids = canonical(Array.from({ length: 40 }, (_, i) => `tkt_${i}`));
    const a = fairShuffle(SEED, ids);
    expect(fairShuffle(SEED, ids)).toEqual(a);
    expect([...a].sort()).toEqual(ids);
    expect(a).not.toEqual(ids);
    expect(fairShuffle('d4'.repeat(32), ids)).not.toEqual(a);
  });
});

describe('fair line draw', () => {
  it('fair line draw - the pre-open tickets are drawn by the seed and the published draw verifies; a moved ticket does not', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `tkt_${String(i).padStart(16, '0')}`);
    const { order, draw } = drawLine(SEED, ids);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(draw.line.map((h) => order[draw.line.indexOf(h)] && h)).toEqual(order.map(ticketHash));
    expect(verifyLineDraw({ ...draw, seed: SEED })).toEqual({ ok: true });
    const moved = [draw.line[1], draw.line[0], ...draw.line.slice(2)] as string[];
    expect(verifyLineDraw({ ...draw, line: moved, seed: SEED }).ok).toBe(false);
    expect(verifyLineDraw({ ...draw, seed: 'ef'.repeat(32) }).ok).toBe(false);
  });
});
