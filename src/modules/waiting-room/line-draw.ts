import { randomInt } from 'node:crypto';
import { drawLine, FAIR_DRAW_ALGORITHM } from '../../domain/fair-draw.ts';
import { fairOrder } from '../../domain/waiting-room.ts';
import { AppError } from '../../platform/errors.ts';
import type { SalesService } from '../sales/index.ts';
import type { QueueStore } from './queue-store.ts';

type Sales = Pick<SalesService, 'info'>;

/**
 * (leader) Draws the pre-open tickets into the head of the line. A sale committed to a seed at its
 * creation is drawn from it (commit–reveal, domain/fair-draw.ts) and the draw is kept for anyone
 * to check; an older sale without one keeps crypto.randomInt.
 */
export async function openLineFairly(store: QueueStore, sales: Sales, saleId: string): Promise<void> {
  const pre = await store.preOpenTickets(saleId);
  const seed = (await sales.info(saleId))?.queueDraw?.seed;
  if (!seed) return store.openLine(saleId, fairOrder(pre, randomInt));
  const { order, draw } = drawLine(seed, pre);
  await store.openLine(saleId, order, draw);
}

export interface PublishedLineDraw {
  readonly algorithm: string;
  readonly seedHash: string | null;
  /** Revealed once the line opened. */
  readonly seed: string | null;
  readonly opened: boolean;
  readonly tickets: readonly string[] | null;
  readonly line: readonly string[] | null;
}

/** What anyone may see of a waiting room's pre-open draw: the commitment before, everything after. */
export async function publishedLineDraw(
  store: QueueStore,
  sales: Sales,
  saleId: string,
): Promise<PublishedLineDraw> {
  const info = await sales.info(saleId);
  if (!info) throw new AppError('not_found', 'Sale not found');
  if (!info.waitingRoom) throw new AppError('no_waiting_room', 'This sale has no waiting room');
  if (!info.queueDraw)
    return {
      algorithm: 'crypto.randomInt',
      seedHash: null,
      seed: null,
      opened: false,
      tickets: null,
      line: null,
    };
  const draw = await store.lineDraw(saleId);
  return {
    algorithm: FAIR_DRAW_ALGORITHM,
    seedHash: info.queueDraw.seedHash,
    seed: draw ? info.queueDraw.seed : null,
    opened: draw !== undefined,
    tickets: draw?.tickets ?? null,
    line: draw?.line ?? null,
  };
}
