import { randomUUID } from 'node:crypto';
import type { Bus } from '../platform/bus/bus.ts';

const SUBJECT = 'presence';
/** A node that has not reported for this long is forgotten (it died or left). */
const STALE_MS = 15_000;
const REFRESH_MS = 5_000;

interface Report {
  node: string;
  counts: Array<[string, number]>;
  full: boolean;
}

/**
 * Viewer counts across nodes: each node tells the others (over the bus's ephemeral fan-out) how
 * many viewers each of its channels has, when that changes and every few seconds; a channel's
 * presence is its local count plus the fresh reports of the other nodes.
 */
export class ClusterPresence {
  readonly node = randomUUID();
  private readonly remote = new Map<string, Map<string, { n: number; at: number }>>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly now: () => number,
    private readonly localCounts: () => ReadonlyMap<string, number>,
    private readonly onRemoteChange: (name: string) => void,
  ) {}

  start(): void {
    this.unsubscribe = this.bus.subscribe(SUBJECT, (data) => this.receive(data as Report));
    this.timer = setInterval(() => this.report(this.localCounts(), true), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  report(counts: ReadonlyMap<string, number>, full = false): void {
    if (counts.size === 0 && !full) return;
    this.bus.publish(SUBJECT, { node: this.node, counts: [...counts.entries()], full } satisfies Report);
  }

  remoteViewers(name: string): number {
    const nodes = this.remote.get(name);
    if (!nodes) return 0;
    const now = this.now();
    let total = 0;
    for (const [node, r] of nodes) {
      if (now - r.at > STALE_MS) nodes.delete(node);
      else total += r.n;
    }
    if (nodes.size === 0) this.remote.delete(name);
    return total;
  }

  private receive(r: Report): void {
    if (!r || r.node === this.node || !Array.isArray(r.counts)) return;
    const at = this.now();
    for (const [name, n] of r.counts) {
      let nodes = this.remote.get(name);
      if (!nodes) {
        nodes = new Map();
        this.remote.set(name, nodes);
      }
      const before = nodes.get(r.node)?.n;
      if (n === 0) nodes.delete(r.node);
      else nodes.set(r.node, { n, at });
      // A channel no other node has viewers on is forgotten, not kept as an empty entry.
      if (nodes.size === 0) this.remote.delete(name);
      if (before !== n) this.onRemoteChange(name);
    }
  }
}
