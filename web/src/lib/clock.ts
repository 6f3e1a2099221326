import { ClockEstimator } from '../../../src/client/clock.ts';
import type { FlashmobSocket } from '../../../src/client/socket.ts';

/**
 * The server's clock, as well as this device can know it. Every countdown and hold timer in
 * the app reads `serverClock.now()`, never `Date.now()`: two phones whose clocks differ by
 * seconds still show the same moment.
 *
 * Sources, best last: the local clock (until anything answers), a few `GET /api/time` round
 * trips at boot (pages without a socket), then the WebSocket's estimate once it has synced
 * (lowest-round-trip samples, re-estimated every minute; see src/client/clock.ts).
 */
export type ClockSource = 'local' | 'http' | 'socket';

type Listener = () => void;

class ServerClock {
  private offsetMs = 0;
  private socket: FlashmobSocket | undefined;
  private readonly listeners = new Set<Listener>();
  source: ClockSource = 'local';

  /** Server time, in epoch ms. */
  now(): number {
    return this.socket ? this.socket.serverNow() : Date.now() + this.offsetMs;
  }

  /** Server minus local, in ms. */
  offset(): number {
    return this.socket ? this.socket.clockOffset() : this.offsetMs;
  }

  /** Called when offsets move (a countdown that scheduled a timer re-plans it). */
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** A synced socket becomes the source. */
  attach(socket: FlashmobSocket): void {
    this.socket = socket;
    this.source = 'socket';
    this.emit();
  }

  /** The socket goes away: keep its last estimate until the next one syncs. */
  detach(socket: FlashmobSocket): void {
    if (this.socket !== socket) return;
    this.offsetMs = socket.clockOffset();
    this.socket = undefined;
  }

  /** A few HTTP round trips; the estimator keeps the tightest. */
  async syncOverHttp(samples = 3): Promise<void> {
    const est = new ClockEstimator();
    for (let i = 0; i < samples; i++) {
      const c0 = Date.now();
      try {
        const res = await fetch('/api/time', { cache: 'no-store' });
        const c1 = Date.now();
        if (!res.ok) return;
        const body = (await res.json()) as { epochMs: number };
        est.add({ c0, s: body.epochMs, c1 });
      } catch {
        return;
      }
    }
    if (this.socket || est.sampleCount === 0) return;
    this.offsetMs = est.offset();
    this.source = 'http';
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const serverClock = new ServerClock();
