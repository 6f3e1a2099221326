import { backoffDelay } from './backoff.ts';
import { ClockEstimator } from './clock.ts';
import { type Countdown, countdown } from './countdown.ts';
import {
  BEARER_PREFIX,
  type ChannelFrame,
  CLOSE,
  type ClientFrame,
  type ErrorFrame,
  isChannelFrame,
  type ServerFrame,
  SUBPROTOCOL,
} from './protocol.ts';

/** The part of the WebSocket API we use: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketCtor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** A channel's frame (src/client/protocol.ts). */
export type Frame<T = unknown> = ChannelFrame<T>;

export type SocketStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface FlashmobSocketOptions {
  /** `ws://host/ws` or `wss://host/ws`. */
  readonly url: string;
  /** A buyer's JWT (read again on every reconnect, so a refreshed token is used). */
  readonly token?: string | (() => string | undefined);
  /** Defaults to the global WebSocket (browsers); in Node pass `WebSocket` from the `ws` package. */
  readonly WebSocket?: WebSocketCtor;
  /** The local clock (tests shift it). */
  readonly now?: () => number;
  readonly random?: () => number;
  /**
   * Time round trips per sync burst (8), and how often to sync again. A burst then goes on, one
   * round trip at a time, while the proven uncertainty of the offset is above
   * `syncTargetMs` (5 ms), up to `syncMaxSamples` (32) in all: a jittery network gets more
   * samples, a quiet one is done after the first eight.
   */
  readonly syncSamples?: number;
  readonly syncTargetMs?: number;
  readonly syncMaxSamples?: number;
  readonly resyncMs?: number;
  /** A connection silent for this long is presumed dead and replaced. */
  readonly idleTimeoutMs?: number;
  readonly onStatus?: (status: SocketStatus) => void;
  readonly onError?: (error: Pick<ErrorFrame, 'code' | 'title' | 'ch'>) => void;
}

/** Close codes after which reconnecting would not help. */
const FINAL_CLOSE_CODES = new Set<number>([CLOSE.unauthorized]);

/**
 * The Flashmob real-time client, for browsers and Node: one socket, channel subscriptions that
 * survive reconnects (resuming from the last `seq` where the channel keeps history; otherwise the
 * server sends a fresh state or a `reset`), reconnects with backoff and jitter, and a server clock
 * estimated from the lowest-round-trip `time` samples, re-estimated periodically.
 */
export class FlashmobSocket {
  private ws: WebSocketLike | undefined;
  private readonly handlers = new Map<string, Set<(frame: Frame) => void>>();
  private readonly lastSeq = new Map<string, number>();
  /** Channels subscribed with `presence: false` (glancing, not counted as viewers). */
  private readonly glancing = new Set<string>();
  private readonly clock = new ClockEstimator();
  private readonly now: () => number;
  private readonly random: () => number;
  private attempt = 0;
  private status: SocketStatus = 'idle';
  private stopped = false;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private lastHeard = 0;
  private syncWaiters: Array<() => void> = [];
  private pending = 0;
  /** Round trips sent in the current sync burst. */
  private burstSent = 0;

  constructor(private readonly o: FlashmobSocketOptions) {
    this.now = o.now ?? (() => Date.now());
    this.random = o.random ?? Math.random;
  }

  get state(): SocketStatus {
    return this.status;
  }

  connect(): this {
    this.stopped = false;
    this.open();
    return this;
  }

  close(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ws?.close(1000, 'bye');
    this.setStatus('closed');
  }

  /**
   * Subscribes a handler to a channel; returns the unsubscribe function. `presence: false` for a
   * glance (a card on a list page): the channel's frames, without counting as one of its viewers.
   */
  subscribe<T = unknown>(
    ch: string,
    handler: (frame: Frame<T>) => void,
    opts: { presence?: boolean } = {},
  ): () => void {
    let set = this.handlers.get(ch);
    if (!set) {
      set = new Set();
      this.handlers.set(ch, set);
      if (opts.presence === false) this.glancing.add(ch);
      this.sendFrame({ op: 'sub', ch, ...(opts.presence === false ? { presence: false } : {}) });
    }
    set.add(handler as (frame: Frame) => void);
    return () => {
      const s = this.handlers.get(ch);
      if (!s) return;
      s.delete(handler as (frame: Frame) => void);
      if (s.size === 0) {
        this.handlers.delete(ch);
        this.lastSeq.delete(ch);
        this.glancing.delete(ch);
        this.sendFrame({ op: 'unsub', ch });
      }
    };
  }

  /** A message into a channel that takes them (show chat, reactions). */
  send(ch: string, ev: string, data: unknown): void {
    this.sendFrame({ op: 'send', ch, ev, data });
  }

  /** Server time minus local time, in ms. */
  clockOffset(): number {
    return this.clock.offset();
  }

  /** The server's clock, now. */
  serverNow(): number {
    return this.now() + this.clock.offset();
  }

  countdown(targetIso: string | number): Countdown {
    return countdown(targetIso, this.serverNow());
  }

  /** Resolves after the next completed clock sync burst. */
  synced(): Promise<void> {
    return new Promise((r) => this.syncWaiters.push(r));
  }

  private setStatus(s: SocketStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.o.onStatus?.(s);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private open(): void {
    const Ctor = this.o.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!Ctor) throw new Error('No WebSocket implementation: pass options.WebSocket');
    const token = typeof this.o.token === 'function' ? this.o.token() : this.o.token;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new Ctor(this.o.url, token ? [SUBPROTOCOL, `${BEARER_PREFIX}${token}`] : [SUBPROTOCOL]);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.lastHeard = this.now();
      this.setStatus('open');
      for (const ch of this.handlers.keys()) {
        const since = this.lastSeq.get(ch);
        this.sendFrame({
          op: 'sub',
          ch,
          ...(since === undefined ? {} : { since }),
          ...(this.glancing.has(ch) ? { presence: false } : {}),
        });
      }
      this.syncBurst(this.o.syncSamples ?? 8);
      this.watchdog();
    };
    ws.onmessage = (ev) => this.onMessage(String(ev.data));
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) return;
      if (FINAL_CLOSE_CODES.has(ev.code)) {
        this.setStatus('closed');
        this.o.onError?.({ code: 'unauthorized', title: ev.reason || 'The server refused the token' });
        return;
      }
      this.setStatus('reconnecting');
      this.later(backoffDelay(this.attempt++, this.random), () => this.open());
    };
  }

  private sendFrame(frame: ClientFrame): void {
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify(frame));
  }

  private onMessage(text: string): void {
    this.lastHeard = this.now();
    let msg: ServerFrame;
    try {
      msg = JSON.parse(text) as ServerFrame;
    } catch {
      return; // not a frame of ours (the server sends JSON only): nothing to route
    }
    if (isChannelFrame(msg)) {
      this.lastSeq.set(msg.ch, msg.seq);
      for (const h of this.handlers.get(msg.ch) ?? []) h(msg);
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if (msg.op === 'time' && typeof msg.c === 'number' && typeof msg.s === 'number') {
      this.clock.add({ c0: msg.c, s: msg.s, c1: this.now() });
      if (--this.pending > 0) return;
      const uncertainty = this.clock.uncertainty() ?? Number.POSITIVE_INFINITY;
      if (uncertainty > (this.o.syncTargetMs ?? 5) && this.burstSent < (this.o.syncMaxSamples ?? 32)) {
        // Not proven tight enough yet: one more round trip (each one can only narrow it).
        this.pending += 1;
        this.burstSent += 1;
        this.later(20, () => this.sendFrame({ op: 'time', c: this.now() }));
        return;
      }
      for (const w of this.syncWaiters.splice(0)) w();
      return;
    }
    if (msg.op === 'error') this.o.onError?.(msg);
  }

  /** Several time round trips a little apart; only the fastest ones will count. */
  private syncBurst(samples: number): void {
    // A new burst replaces an unfinished one (answers lost with a dropped connection never come).
    this.pending = samples;
    this.burstSent = samples;
    for (let i = 0; i < samples; i++) this.later(i * 60, () => this.sendFrame({ op: 'time', c: this.now() }));
    this.later(this.o.resyncMs ?? 60_000, () => {
      if (this.ws?.readyState === 1) this.syncBurst(4);
    });
  }

  /** Pings when quiet; replaces a connection that stays silent (a dead network path). */
  private watchdog(): void {
    const idle = this.o.idleTimeoutMs ?? 45_000;
    const ws = this.ws;
    this.later(idle / 3, () => {
      if (this.ws !== ws || !ws) return;
      const quiet = this.now() - this.lastHeard;
      if (quiet > idle) {
        ws.close(4000, 'idle');
        ws.onclose?.({ code: 4000, reason: 'idle' });
        return;
      }
      if (quiet > idle / 3) this.sendFrame({ op: 'ping' });
      this.watchdog();
    });
  }
}
