import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { SentimentWindow, scoreText } from '../domain/chat-intelligence.ts';
import {
  ChatLineBody,
  type ChatMessage,
  type ChatService,
  emptyCounts,
  GIVEAWAY_SUBJECT,
  type GiveawaysService,
  type ModerationNotice,
  POLL_SUBJECT,
  type PollsService,
  type ReactionCounts,
  type RoomIntelligence,
  type ShowsService,
  SUBJECTS,
  type UserNotice,
} from '../modules/shows/index.ts';
import type { Bus } from '../platform/bus/bus.ts';
import type { EventRecord } from '../platform/bus/events.ts';
import { AppError, toError } from '../platform/errors.ts';
import { compileStrict } from '../platform/http/validation.ts';
import { idPattern } from '../platform/ids.ts';
import type { ChannelHub, ChannelProvider, Subscriber } from './channel-hub.ts';
import { CLOSE } from './protocol.ts';
import type { RoomService, RoomState } from './room-state.ts';

const SHOW_ID = new RegExp(idPattern('show'));
/** `data` of a chat `send`: the HTTP body's schema, with the same rules. */
const validChatLine = compileStrict<Static<typeof ChatLineBody>>(ChatLineBody);
/**
 * At most this many chat lines per room per second reach viewers (the newest of each tick; the
 * rest are archived, not shown, and the frame says how many were left out): more than anyone reads.
 */
const MAX_LINES_PER_SECOND = 400;

interface Room {
  state: RoomState | undefined;
  loading: Promise<void> | undefined;
  dirty: boolean;
  pollDirty: boolean;
  giveawayDirty: boolean;
  changed: boolean;
  chat: ChatMessage[];
  reactions: ReactionCounts;
  sentiment: SentimentWindow;
  hostDirty: boolean;
}

export interface ShowChannelsDeps {
  readonly hub: ChannelHub;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly now: () => number;
  readonly tickMs: number;
  readonly rooms: RoomService;
  readonly shows: ShowsService;
  readonly chat: ChatService;
  readonly polls: PollsService;
  readonly giveaways: GiveawaysService;
  readonly intelligence: RoomIntelligence;
}

/**
 * `show:ID` channels: the room (live/ended, featured product with live stock, auction, poll,
 * giveaway, reaction totals, viewers) as one conflated state, plus chat delivered in batches per
 * tick; and `show:ID:host` for the host: the chat's sentiment and the question radar. Chat,
 * reactions and votes arrive over the bus's ephemeral subjects; structural changes over the log.
 */
export class ShowChannels implements ChannelProvider {
  readonly prefix = 'show';
  readonly kind = 'state' as const;
  readonly presence = true;
  private readonly rooms = new Map<string, Room>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: Array<() => void> = [];

  private readonly maxLinesPerTick: number;

  constructor(private readonly d: ShowChannelsDeps) {
    this.maxLinesPerTick = Math.max(1, Math.ceil((MAX_LINES_PER_SECOND * d.tickMs) / 1000));
  }

  private parse(name: string): { showId: string; host: boolean } {
    const [, showId, part] = name.split(':');
    if (!showId || !SHOW_ID.test(showId) || (part !== undefined && part !== 'host'))
      throw new AppError('not_found', 'No such show channel');
    return { showId, host: part === 'host' };
  }

  async authorize(name: string, sub: Subscriber): Promise<void> {
    const { showId, host } = this.parse(name);
    // A banned viewer is shown the door, and kept out (policy: takePart).
    if (sub.principal) await this.d.shows.assertTakesPart(showId, sub.principal.id);
    if (!host) return;
    if (!sub.principal || !(await this.d.shows.canModerate(sub.principal, showId))) {
      throw new AppError('forbidden', 'The host view is for the show’s host and moderators');
    }
  }

  private room(showId: string): Room {
    let r = this.rooms.get(showId);
    if (!r) {
      r = {
        state: undefined,
        loading: undefined,
        dirty: false,
        pollDirty: false,
        giveawayDirty: false,
        changed: false,
        chat: [],
        reactions: emptyCounts(),
        sentiment: new SentimentWindow({ windowSeconds: 60 }),
        hostDirty: false,
      };
      this.rooms.set(showId, r);
    }
    return r;
  }

  async snapshot(name: string): Promise<{ ev: string; data: unknown } | undefined> {
    const { showId, host } = this.parse(name);
    const r = this.room(showId);
    if (host) return { ev: 'state', data: await this.hostState(showId, r) };
    if (!r.state) await this.load(showId, r);
    if (!r.state) throw new AppError('not_found', 'No such show');
    return { ev: 'state', data: this.stamp(r.state) };
  }

  async welcome(name: string): Promise<{ ev: string; data: unknown } | undefined> {
    const { showId, host } = this.parse(name);
    if (host) return undefined;
    return { ev: 'chat.history', data: { messages: await this.d.chat.recentLines(showId) } };
  }

  activate(name: string): void {
    this.room(this.parse(name).showId);
  }

  deactivate(name: string): void {
    const { showId } = this.parse(name);
    if (!this.d.hub.isActive(`show:${showId}`) && !this.d.hub.isActive(`show:${showId}:host`))
      this.rooms.delete(showId);
  }

  async receive(name: string, sub: Subscriber, ev: string, data: unknown): Promise<void> {
    const { showId } = this.parse(name);
    if (!sub.principal) throw new AppError('unauthenticated', 'Sign in to chat or react');
    if (ev === 'chat') {
      if (!validChatLine(data)) {
        const issue = validChatLine.errors?.[0];
        throw new AppError(
          'validation_failed',
          issue
            ? `data${issue.instancePath.replace(/\//g, '.')} ${issue.message ?? 'is invalid'}`
            : 'Bad chat line',
        );
      }
      await this.d.chat.post(showId, sub.principal, data.text);
      return;
    }
    throw new AppError(
      'validation_failed',
      'Send {ev:"chat", data:{text}}; reactions go to POST /api/shows/:id/reactions',
    );
  }

  private async load(showId: string, r: Room): Promise<void> {
    r.loading ??= (async () => {
      try {
        const next = await this.d.rooms.snapshot(showId, r.reactions, this.d.hub.viewers(`show:${showId}`));
        if (next) {
          r.state = next;
          r.changed = true;
        }
      } finally {
        r.loading = undefined;
      }
    })();
    await r.loading;
  }

  private stamp(state: RoomState): RoomState {
    state.serverTime = new Date(this.d.now()).toISOString();
    return state;
  }

  start(): void {
    const { bus } = this.d;
    this.unsubscribe = [
      bus.subscribe(SUBJECTS.chat, (m) => this.onChat(m as ChatMessage)),
      bus.subscribe(SUBJECTS.moderation, (m) => {
        const n = m as ModerationNotice;
        if (n.action !== 'ban') return;
        for (const name of [`show:${n.showId}`, `show:${n.showId}:host`])
          this.d.hub.closeUser(name, n.userId, CLOSE.banned, 'banned from this show');
      }),
      bus.subscribe(SUBJECTS.chatDeleted, (m) => {
        const { showId, id } = m as { showId: string; id: string };
        if (this.rooms.has(showId)) this.d.hub.publishEvent(`show:${showId}`, 'chat.deleted', { id });
      }),
      bus.subscribe(SUBJECTS.reactions, (m) => {
        const { showId, counts } = m as { showId: string; counts: ReactionCounts };
        const r = this.rooms.get(showId);
        if (!r) return;
        for (const [k, v] of Object.entries(counts)) r.reactions[k as keyof ReactionCounts] += v;
        r.changed = true;
      }),
      bus.subscribe(POLL_SUBJECT, (m) => {
        const r = this.rooms.get((m as { showId: string }).showId);
        if (r) r.pollDirty = true;
      }),
      bus.subscribe(GIVEAWAY_SUBJECT, (m) => {
        const r = this.rooms.get((m as { showId: string }).showId);
        if (r) r.giveawayDirty = true;
      }),
      bus.subscribe(SUBJECTS.question, (m) => {
        const r = this.rooms.get((m as { showId: string }).showId);
        if (r) r.hostDirty = true;
      }),
      bus.subscribe(SUBJECTS.userNotice, (m) => {
        const n = m as UserNotice;
        this.d.hub.publishEvent(`user:${n.userId}`, n.ev, n.data);
      }),
    ];
    this.timer = setInterval(() => void this.tick(), this.d.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
  }

  private onChat(m: ChatMessage): void {
    const r = this.rooms.get(m.showId);
    if (!r) return;
    r.chat.push(m);
    if (m.kind === 'chat') {
      r.sentiment.add(scoreText(m.text), Date.parse(m.at));
      r.hostDirty = true;
    }
  }

  /** Feeds one event of the log: structural changes reload the room, bids and stock are patched. */
  apply(e: EventRecord): void {
    const showId = typeof e.payload['showId'] === 'string' ? (e.payload['showId'] as string) : undefined;
    if (showId) {
      const r = this.rooms.get(showId);
      if (!r) return;
      if (e.type === 'auction.bid' && r.state?.auction?.id === e.payload['auctionId']) {
        this.patchBid(r, e.payload);
        return;
      }
      r.dirty = true;
      return;
    }
    const saleId = e.payload['saleId'];
    if (typeof saleId !== 'string' || typeof e.payload['remaining'] !== 'number') return;
    for (const r of this.rooms.values()) {
      const featured = r.state?.show.featured;
      if (!featured || r.state?.show.saleId !== saleId || featured.sku !== e.payload['sku']) continue;
      const version = Number(e.payload['itemVersion']);
      if (version <= featured.version) continue;
      (r.state as { show: { featured: unknown } }).show.featured = {
        ...featured,
        remaining: e.payload['remaining'],
        version,
      };
      r.changed = true;
    }
  }

  private patchBid(r: Room, p: Record<string, unknown>): void {
    const a = r.state?.auction;
    if (!a || !r.state) return;
    (r.state as { auction: unknown }).auction = {
      ...a,
      highCents: p['highCents'] as number,
      highBidderId: p['highBidderId'] as string,
      bidCount: p['bidCount'] as number,
      endsAt: p['endsAt'] as string,
      nextMinimumCents: p['nextMinimumCents'] as number,
      reserve: { ...a.reserve, met: p['reserveMet'] === true },
    };
    r.changed = true;
  }

  private async tick(): Promise<void> {
    for (const [showId, r] of this.rooms) {
      try {
        await this.tickRoom(showId, r);
      } catch (e) {
        this.d.logger.warn({ err: toError(e), show: showId }, 'room tick failed');
      }
    }
  }

  private async tickRoom(showId: string, r: Room): Promise<void> {
    const name = `show:${showId}`;
    if (r.dirty && r.state) {
      r.dirty = false;
      await this.load(showId, r);
    }
    if (r.pollDirty && r.state?.poll) {
      r.pollDirty = false;
      const poll = await this.d.polls.view(r.state.poll.id);
      if (poll) (r.state as { poll: unknown }).poll = poll;
      r.changed = true;
    }
    if (r.giveawayDirty && r.state?.giveaway) {
      r.giveawayDirty = false;
      const g = await this.d.giveaways.get(r.state.giveaway.id);
      if (g) (r.state as { giveaway: unknown }).giveaway = g;
      r.changed = true;
    }
    // This tick is the room's conflation: its chat batch and its state leave together, once.
    const lines = r.chat.splice(0);
    const state = r.changed ? r.state : undefined;
    r.changed = false;
    if (lines.length > 0 || state) {
      this.d.hub.together(name, () => {
        if (lines.length > 0) {
          this.d.hub.publishEvent(name, 'chat', {
            messages: lines.slice(-this.maxLinesPerTick),
            dropped: Math.max(0, lines.length - this.maxLinesPerTick),
          });
        }
        if (state) {
          state.viewers = this.d.hub.viewers(name);
          this.d.hub.publishState(name, 'state', this.stamp(state), { immediate: true });
        }
      });
    }
    if (r.hostDirty && this.d.hub.isActive(`${name}:host`)) {
      r.hostDirty = false;
      this.d.hub.publishState(`${name}:host`, 'state', await this.hostState(showId, r));
    }
  }

  private async hostState(showId: string, r: Room) {
    return {
      showId,
      sentiment: r.sentiment.value(this.d.now()),
      questions: await this.d.intelligence.openQuestions(showId),
      viewers: this.d.hub.viewers(`show:${showId}`),
      serverTime: new Date(this.d.now()).toISOString(),
    };
  }
}
