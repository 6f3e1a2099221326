import type { Logger } from 'pino';
import type { Principal } from '../modules/auth/index.ts';
import { AppError, toError } from '../platform/errors.ts';
import type { ChannelFrame } from './protocol.ts';

/** One subscriber, as the hub sees it (a WebSocket connection in production, a fake in tests). */
export interface Subscriber {
  readonly id: number;
  principal: Principal | undefined;
  /**
   * Sends one text frame; returns false when the subscriber was dropped (slow consumer).
   * `utf8` is the same text already encoded (a broadcast encodes once for all its subscribers).
   */
  send(text: string, utf8?: Buffer): boolean;
  /** Channels this subscriber is in, by name. */
  readonly channels: Set<string>;
  /** Hold writes until `uncork` (several frames of one tick leave in one system call). */
  cork?(): void;
  uncork?(): void;
  /** Closes the connection (a WebSocket close code and reason). */
  close?(code: number, reason: string): void;
}

/**
 * What a channel prefix (`sale`, `user`, `show`, `queue`) needs to provide.
 * - state channels are conflated: at most one frame per tick with the latest value, except
 *   frames published `immediate` (sold out, status changes);
 * - event channels send every frame and keep the last ones for resume.
 */
export interface ChannelProvider {
  readonly prefix: string;
  readonly kind: 'state' | 'events';
  /** Frames kept for resume (events channels). */
  readonly historySize?: number;
  /** Send viewer counts (`presence` frames) on this channel. */
  readonly presence?: boolean;
  /** Maps what the client asked for to the channel's internal name (e.g. `user` → `user:usr_…`). */
  resolve?(requested: string, sub: Subscriber): string;
  /** Throws an AppError when this subscriber may not join. */
  authorize(name: string, sub: Subscriber): void | Promise<void>;
  /** The current state (state channels), or the catch-up to send on a fresh subscribe. */
  snapshot?(name: string): Promise<{ ev: string; data: unknown } | undefined>;
  /** Extra catch-up sent to each new subscriber after the state (e.g. a room's recent chat). */
  welcome?(name: string): Promise<{ ev: string; data: unknown } | undefined>;
  /** First subscriber on this node joined / last one left. */
  activate?(name: string): void;
  deactivate?(name: string): void;
  /** A client message into the channel (chat, reactions); throws AppError to refuse. */
  receive?(name: string, sub: Subscriber, ev: string, data: unknown): Promise<void>;
}

interface Channel {
  readonly name: string;
  /** Name shown to clients (`user`, not `user:usr_…`). */
  readonly display: string;
  readonly provider: ChannelProvider;
  readonly subscribers: Set<Subscriber>;
  /** Subscribers counted as viewers (those who did not subscribe with `presence: false`). */
  readonly watchers: Set<Subscriber>;
  seq: number;
  history: ChannelFrame[];
  state: { ev: string; data: unknown } | undefined;
  pending: { ev: string; data: unknown } | undefined;
  lastSentAt: number;
  sentViewers: number;
  viewersSentAt: number;
}

/** A page of lists glances at each visible card's sale: a hundred is more than a screen holds. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;

export interface HubMetrics {
  frame(channelPrefix: string, recipients: number): void;
}

export interface ChannelHubOptions {
  readonly tickMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly metrics?: HubMetrics;
  /** Channels one subscriber (a connection) may be in at once. */
  readonly maxSubscriptions?: number;
  /** Viewers on other nodes, by channel (presence across a cluster). */
  readonly remoteViewers?: (name: string) => number;
  /** Local viewer counts changed (to tell other nodes). */
  readonly onLocalViewers?: (counts: ReadonlyMap<string, number>) => void;
}

/**
 * Channels and their subscribers on this node: conflation of state, history of events,
 * presence counts. A frame is serialised once and the same text goes to every subscriber.
 */
export class ChannelHub {
  private readonly providers = new Map<string, ChannelProvider>();
  private readonly channels = new Map<string, Channel>();
  private readonly dirty = new Set<Channel>();
  private readonly presenceChanged = new Set<Channel>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly maxSubscriptions: number;

  constructor(private readonly o: ChannelHubOptions) {
    this.now = o.now ?? Date.now;
    this.maxSubscriptions = o.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS;
  }

  register(provider: ChannelProvider): void {
    this.providers.set(provider.prefix, provider);
  }

  start(): void {
    // A quarter tick: a pending frame waits at most ~tick + tick/4 after the previous one.
    this.timer = setInterval(() => this.tick(), Math.max(5, Math.floor(this.o.tickMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  viewers(name: string): number {
    return (this.channels.get(name)?.watchers.size ?? 0) + (this.o.remoteViewers?.(name) ?? 0);
  }

  /** Local viewers of every channel that shows presence (for other nodes). */
  localCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const ch of this.channels.values()) if (ch.provider.presence) out.set(ch.name, ch.watchers.size);
    return out;
  }

  /** Names of the channels with a subscriber on this node whose name starts with `prefix`. */
  activeChannels(prefix: string): string[] {
    return [...this.channels.keys()].filter((n) => n.startsWith(prefix));
  }

  isActive(name: string): boolean {
    return this.channels.has(name);
  }

  private providerFor(requested: string): ChannelProvider {
    const prefix = requested.split(':', 1)[0] as string;
    const provider = this.providers.get(prefix);
    if (!provider) throw new AppError('not_found', `No channel type "${prefix}"`);
    return provider;
  }

  /** The provider of a requested channel and the channel's internal name. */
  private locate(requested: string, sub: Subscriber): { provider: ChannelProvider; name: string } {
    const provider = this.providerFor(requested);
    return { provider, name: provider.resolve ? provider.resolve(requested, sub) : requested };
  }

  /**
   * Subscribes; sends the current state (or the missed events since `since`) first. A refusal
   * (the cap, the provider's authorisation, a snapshot that finds no such sale or show) leaves
   * nothing registered: neither the subscriber in the channel nor an empty channel.
   */
  async subscribe(
    sub: Subscriber,
    requested: string,
    since?: number,
    opts: { presence?: boolean } = {},
  ): Promise<number> {
    const { provider, name } = this.locate(requested, sub);
    await provider.authorize(name, sub);
    // Checked after the await, synchronously with the registration below: concurrent `sub`
    // frames of one connection cannot all pass the check before any of them counts.
    const joining = !sub.channels.has(name);
    if (joining && sub.channels.size >= this.maxSubscriptions) {
      throw new AppError(
        'too_many_subscriptions',
        `At most ${this.maxSubscriptions} channels per connection: unsubscribe from one first`,
      );
    }
    try {
      return await this.join(sub, provider, { name, requested, since, presence: opts.presence !== false });
    } catch (e) {
      if (joining) this.leave(sub, name);
      throw e;
    }
  }

  private async join(
    sub: Subscriber,
    provider: ChannelProvider,
    j: { name: string; requested: string; since: number | undefined; presence: boolean },
  ): Promise<number> {
    const { name, requested, since } = j;
    let ch = this.channels.get(name);
    const fresh = !ch;
    if (!ch) {
      ch = {
        name,
        display: requested,
        provider,
        subscribers: new Set(),
        watchers: new Set(),
        seq: 0,
        history: [],
        state: undefined,
        pending: undefined,
        lastSentAt: 0,
        sentViewers: -1,
        viewersSentAt: 0,
      };
      this.channels.set(name, ch);
    }
    ch.subscribers.add(sub);
    if (j.presence) ch.watchers.add(sub);
    sub.channels.add(name);
    if (fresh) provider.activate?.(name);
    this.touchPresence(ch);
    await this.catchUp(ch, sub, since);
    const welcome = await provider.welcome?.(name);
    if (welcome && ch.subscribers.has(sub)) {
      sub.send(JSON.stringify({ ch: ch.display, ev: welcome.ev, data: welcome.data, seq: ch.seq }));
    }
    // A new subscriber learns the current viewer count at once, not at its next change.
    if (provider.presence && ch.subscribers.has(sub)) {
      sub.send(
        JSON.stringify({
          ch: ch.display,
          ev: 'presence',
          data: { viewers: this.viewers(name) },
          seq: ch.seq,
        }),
      );
    }
    return ch.seq;
  }

  private async catchUp(ch: Channel, sub: Subscriber, since: number | undefined): Promise<void> {
    if (ch.provider.kind === 'events') {
      const first = ch.history[0]?.seq;
      if (
        since !== undefined &&
        (since === ch.seq || (first !== undefined && since >= first - 1 && since <= ch.seq))
      ) {
        for (const f of ch.history) if (f.seq > since) sub.send(JSON.stringify(f));
        return;
      }
      const snap = await ch.provider.snapshot?.(ch.name);
      sub.send(JSON.stringify({ ch: ch.display, ev: 'reset', data: snap?.data ?? null, seq: ch.seq }));
      return;
    }
    if (!ch.state) {
      const snap = await ch.provider.snapshot?.(ch.name);
      // Another subscriber's snapshot, or an update, may have landed meanwhile: keep the newest.
      if (snap && !ch.state) ch.state = snap;
    }
    if (ch.state && ch.subscribers.has(sub)) {
      sub.send(JSON.stringify({ ch: ch.display, ev: ch.state.ev, data: ch.state.data, seq: ch.seq }));
    }
  }

  unsubscribe(sub: Subscriber, requested: string): void {
    const { name } = this.locate(requested, sub);
    this.leave(sub, name);
  }

  /** Closes the connections of one user subscribed to a channel (a ban from a show). */
  closeUser(name: string, userId: string, code: number, reason: string): void {
    for (const sub of [...(this.channels.get(name)?.subscribers ?? [])]) {
      if (sub.principal?.id !== userId) continue;
      this.drop(sub);
      sub.close?.(code, reason);
    }
  }

  /** Removes a subscriber from every channel (connection closed). */
  drop(sub: Subscriber): void {
    for (const name of [...sub.channels]) this.leave(sub, name);
  }

  private leave(sub: Subscriber, name: string): void {
    const ch = this.channels.get(name);
    sub.channels.delete(name);
    if (!ch?.subscribers.delete(sub)) return;
    ch.watchers.delete(sub);
    this.touchPresence(ch);
    if (ch.subscribers.size === 0) {
      this.channels.delete(name);
      this.dirty.delete(ch);
      ch.provider.deactivate?.(name);
    }
  }

  /** The latest state of a state channel; conflated unless `immediate`. */
  publishState(name: string, ev: string, data: unknown, opts: { immediate?: boolean } = {}): void {
    const ch = this.channels.get(name);
    if (!ch) return;
    ch.state = { ev, data };
    const now = this.now();
    if (opts.immediate || (!ch.pending && now - ch.lastSentAt >= this.o.tickMs)) {
      ch.pending = undefined;
      this.dirty.delete(ch);
      this.emit(ch, ev, data, now);
    } else {
      ch.pending = { ev, data };
      this.dirty.add(ch);
    }
  }

  /** One event frame, sent at once to every subscriber and kept for resume. */
  publishEvent(name: string, ev: string, data: unknown): void {
    const ch = this.channels.get(name);
    if (!ch) return;
    // Events do not count against the state's conflation window (a busy chat must not starve it).
    const frame = this.emit(ch, ev, data, this.now(), false);
    const size = ch.provider.historySize ?? 0;
    if (size > 0) {
      ch.history.push(frame);
      if (ch.history.length > size) ch.history.splice(0, ch.history.length - size);
    }
  }

  /**
   * Runs `fn` with every subscriber of `name` corked, so that all the frames it emits to one
   * subscriber go out in one write: at thousands of viewers the system calls, not the bytes, cost.
   */
  together(name: string, fn: () => void): void {
    const ch = this.channels.get(name);
    if (!ch) {
      fn();
      return;
    }
    for (const s of ch.subscribers) s.cork?.();
    try {
      fn();
    } finally {
      for (const s of ch.subscribers) s.uncork?.();
    }
  }

  async receive(sub: Subscriber, requested: string, ev: string, data: unknown): Promise<void> {
    const { provider, name } = this.locate(requested, sub);
    if (!provider.receive) throw new AppError('forbidden', 'This channel does not take messages');
    if (!sub.channels.has(name)) throw new AppError('forbidden', 'Subscribe to the channel first');
    await provider.receive(name, sub, ev, data);
  }

  private emit(ch: Channel, ev: string, data: unknown, now: number, conflated = true): ChannelFrame {
    ch.seq += 1;
    if (conflated) ch.lastSentAt = now;
    const frame: ChannelFrame = { ch: ch.display, ev, data, seq: ch.seq };
    const text = JSON.stringify(frame);
    // Encoded once: a socket library would otherwise encode the string again for every viewer.
    const utf8 = Buffer.from(text);
    const gone: Subscriber[] = [];
    for (const s of ch.subscribers) {
      try {
        if (!s.send(text, utf8)) gone.push(s);
      } catch (e) {
        this.o.logger.warn({ err: toError(e) }, 'send failed');
      }
    }
    this.o.metrics?.frame(ch.provider.prefix, ch.subscribers.size);
    // Dropped (slow consumer) or closing: out of every channel now, not at its close event, which
    // a reader that stopped reading delays by a second; meanwhile it would count as a viewer.
    for (const s of gone) this.drop(s);
    return frame;
  }

  private touchPresence(ch: Channel): void {
    if (ch.provider.presence) this.presenceChanged.add(ch);
  }

  /** Remote viewer counts changed for a channel (presence from other nodes). */
  remotePresenceChanged(name: string): void {
    const ch = this.channels.get(name);
    if (ch) this.presenceChanged.add(ch);
  }

  /** Sends what is due: pending states and presence counts (the timer calls it; tests may too). */
  tick(): void {
    const now = this.now();
    for (const ch of this.dirty) {
      if (!ch.pending || now - ch.lastSentAt < this.o.tickMs) continue;
      const { ev, data } = ch.pending;
      ch.pending = undefined;
      this.dirty.delete(ch);
      this.emit(ch, ev, data, now);
    }
    if (this.presenceChanged.size === 0) return;
    const local = new Map<string, number>();
    for (const ch of this.presenceChanged) {
      if (now - ch.viewersSentAt < this.o.tickMs) continue;
      this.presenceChanged.delete(ch);
      local.set(ch.name, ch.watchers.size);
      const viewers = this.viewers(ch.name);
      if (viewers === ch.sentViewers || ch.subscribers.size === 0) continue;
      ch.sentViewers = viewers;
      ch.viewersSentAt = now;
      this.emit(ch, 'presence', { viewers }, now, false);
    }
    if (local.size > 0) this.o.onLocalViewers?.(local);
  }
}
