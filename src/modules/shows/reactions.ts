import { REACTIONS, type Reaction } from '../../domain/chat-rules.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import { SUBJECTS } from './chat-types.ts';

const FLUSH_MS = 100;

export type ReactionCounts = Record<Reaction, number>;
export const emptyCounts = (): ReactionCounts =>
  Object.fromEntries(REACTIONS.map((r) => [r, 0])) as ReactionCounts;

/**
 * Reactions are counted, never forwarded one by one: each node adds up what its viewers send and
 * tells the others once per tick ({showId, counts}); rooms show totals and the last tick's burst.
 */
export class ReactionCounter {
  private readonly pending = new Map<string, ReactionCounts>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bus: Bus) {}

  start(): void {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  add(showId: string, reaction: Reaction, n = 1): void {
    let counts = this.pending.get(showId);
    if (!counts) {
      counts = emptyCounts();
      this.pending.set(showId, counts);
    }
    counts[reaction] += n;
  }

  flush(): void {
    for (const [showId, counts] of this.pending) this.bus.publish(SUBJECTS.reactions, { showId, counts });
    this.pending.clear();
  }
}
