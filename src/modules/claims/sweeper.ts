import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import { toError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/store.ts';
import { returnStock } from './stock-return.ts';

const SWEEP_BATCH = 500;

export interface SweeperOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly onCommit: () => void;
  readonly onExpired?: (count: number) => void;
}

/**
 * Expires holds past their time and returns their stock, in batches. Runs on every node that
 * does background work; `for update skip locked` lets several sweepers share the work.
 */
export class HoldSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly o: SweeperOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (await this.running) return;
    try {
      await this.sweepAll();
    } catch (e) {
      this.o.logger.warn({ err: toError(e) }, 'hold sweep failed; will retry');
    }
  }

  /** Sweeps until nothing is due; returns how many holds expired. */
  async sweepAll(): Promise<number> {
    let total = 0;
    for (;;) {
      this.running = this.sweepOnce();
      const n = await this.running.finally(() => {
        this.running = undefined;
      });
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }

  async sweepOnce(): Promise<number> {
    const now = this.o.clock.now();
    const expired = await this.o.store.transaction(async (tx) => {
      const rows = await tx.query<{
        id: string;
        sale_id: string;
        sale_item_id: string;
        buyer_id: string;
        quantity: number;
      }>(
        `update reservations set state = 'expired', updated_at = $1
         where id in (select id from reservations where state = 'held' and expires_at <= $1
                      order by expires_at limit $2 for update skip locked)
         returning id, sale_id, sale_item_id, buyer_id, quantity`,
        [new Date(now), SWEEP_BATCH],
      );
      if (rows.length === 0) return 0;
      await returnStock(
        tx,
        rows.map((r) => ({
          reservationId: r.id,
          saleId: r.sale_id,
          saleItemId: r.sale_item_id,
          buyerId: r.buyer_id,
          quantity: r.quantity,
        })),
        { reason: 'expired', now },
      );
      return rows.length;
    });
    if (expired > 0) {
      this.o.onCommit();
      this.o.onExpired?.(expired);
    }
    return expired;
  }
}
