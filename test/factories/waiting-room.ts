import { randomBytes } from 'node:crypto';
import { commitment } from '../../src/domain/fair-draw.ts';
import type { SaleInfo, WaitingRoomConfig } from '../../src/modules/sales/types.ts';

/** A fixed start for the waiting room's sales (a ManualClock is set around it). */
export const T0 = Date.parse('2030-01-01T12:00:00Z');

/** Sales as the waiting room sees them, made up per test (their rows live elsewhere). */
export class FakeSales {
  readonly sales = new Map<string, SaleInfo>();
  /** With `seed`, the sale commits to a pre-open draw as a real one does (domain/fair-draw.ts). */
  add(config: WaitingRoomConfig, startsAt = T0, endsAt = T0 + 86_400_000, seed?: string): string {
    const id = `sal_${randomBytes(8).toString('hex')}`;
    this.sales.set(id, {
      id,
      startsAt,
      endsAt,
      holdSeconds: 600,
      waitingRoom: config,
      itemsBySku: new Map(),
      ...(seed ? { queueDraw: { seed, seedHash: commitment(seed) } } : {}),
    });
    return id;
  }
  async info(id: string) {
    return this.sales.get(id);
  }
  async withWaitingRoom() {
    return [...this.sales.values()].filter((s) => s.waitingRoom) as Array<
      SaleInfo & { waitingRoom: WaitingRoomConfig }
    >;
  }
}

export const buyer = (i: number) => ({
  id: `usr_${String(i).padStart(16, '0')}`,
  role: 'buyer' as const,
  guest: false,
});

/** `n` ticket ids in arrival order. */
export const ticketIds = (n: number) => Array.from({ length: n }, (_, i) => `tkt_${i}`);
