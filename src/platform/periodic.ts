import type { Logger } from 'pino';
import { toError } from './errors.ts';

/** A chore a module declares for worker nodes (run every `everyMs` by `Periodic`). */
export interface Chore {
  readonly name: string;
  readonly everyMs: number;
  run(): Promise<unknown>;
}

/** Background chores on a timer; a run never overlaps the previous one of the same chore. */
export class Periodic {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  every(name: string, ms: number, fn: () => Promise<unknown>): void {
    const t = setInterval(() => {
      if (this.running.has(name)) return;
      const run = fn()
        .catch((e) => this.logger.warn({ err: toError(e), chore: name }, 'periodic chore failed'))
        .finally(() => this.running.delete(name));
      this.running.set(name, run);
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.running.values());
  }
}
