import type { Logger } from 'pino';
import {
  CHAT_RATE_WINDOW_MS,
  type ChatDecision,
  censor,
  chatAllowed,
  containsProfanity,
  isCommentToBuy,
} from '../../domain/chat-rules.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { Body, MultilineText } from '../../platform/http/schemas.ts';
import { newId } from '../../platform/ids.ts';
import type { Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import type { ClaimEngine } from '../claims/index.ts';
import { authorize, deleteChatLine, moderateUser, type TargetFacts } from '../policy/index.ts';
import type { ChatArchive } from './chat-archive.ts';
import { type ChatPace, MemoryChatPace } from './chat-pace.ts';
import { type ChatMessage, SUBJECTS, type UserNotice } from './chat-types.ts';
import type { ModerationCache } from './moderation.ts';
import type { RoomIntelligence } from './room-intelligence.ts';
import type { ShowsService } from './service.ts';
import type { Show } from './types.ts';

export const MAX_CHAT_LENGTH = 300;
/** A chat line as a client sends it, over HTTP (the body) and the WebSocket (`data` of `send`). */
export const ChatLineBody = Body({ text: MultilineText({ minLength: 1, maxLength: MAX_CHAT_LENGTH }) });
const HISTORY = 50;
const SHOW_CACHE_MS = 1_000;
/** Rooms a node keeps in memory (their show, their last lines). */
const ROOMS_MAX = 10_000;

export interface ChatServiceOptions {
  readonly store: Store;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly shows: ShowsService;
  readonly moderation: ModerationCache;
  readonly archive: ChatArchive;
  readonly engine: ClaimEngine;
  readonly intelligence: RoomIntelligence;
  /** Who spoke when: shared by every node in scale-out (a MemoryChatPace when absent). */
  readonly pace?: ChatPace;
}

/**
 * Chat in a show's room: checks (ban, mute, per-user rate, slow mode; profanity and the show's
 * blocked words masked), fan-out
 * to every node over the bus's ephemeral subjects (never through the outbox), archive written
 * behind, history on join, comment-to-buy, and the room intelligence hooks.
 */
export class ChatService {
  private readonly names = createCache<string, string>({ max: 100_000 });
  private readonly showCache: Cache<string, Show>;
  /** The last lines of each room this node has heard (the archive has the rest). */
  private readonly history = createCache<string, ChatMessage[]>({ max: ROOMS_MAX });
  /** Who may moderate a show, per user, for a few seconds (asked on every line). */
  private readonly privileged: Cache<string, { yes: boolean }>;
  private unsubscribe: Array<() => void> = [];

  private readonly pace: ChatPace;

  constructor(private readonly o: ChatServiceOptions) {
    this.pace = o.pace ?? new MemoryChatPace();
    this.showCache = createCache({ max: ROOMS_MAX, ttlMs: SHOW_CACHE_MS, clock: o.clock });
    this.privileged = createCache({ max: 100_000, ttlMs: SHOW_CACHE_MS * 5, clock: o.clock });
  }

  start(): void {
    this.unsubscribe = [
      this.o.bus.subscribe(SUBJECTS.chat, (m) => this.remember(m as ChatMessage)),
      this.o.bus.subscribe(SUBJECTS.chatDeleted, (d) => this.forget(d as { showId: string; id: string })),
    ];
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
  }

  async show(showId: string): Promise<Show> {
    const cached = this.showCache.get(showId);
    if (cached) return cached;
    const show = await this.o.shows.get(showId);
    if (!show) throw new AppError('not_found', 'Show not found');
    this.showCache.set(showId, show);
    return show;
  }

  private async nameOf(userId: string): Promise<string> {
    let name = this.names.get(userId);
    if (!name) {
      const [row] = await this.o.store.query<{ name: string }>('select name from users where id = $1', [
        userId,
      ]);
      name = row?.name ?? 'Viewer';
      this.names.set(userId, name);
    }
    return name;
  }

  /** Posts a line; throws an AppError with the refusal code when it may not be posted. */
  async post(showId: string, who: Principal, rawText: string): Promise<ChatMessage> {
    const text = rawText.replace(/\s+/g, ' ').trim();
    if (text.length === 0 || text.length > MAX_CHAT_LENGTH) {
      throw new AppError('validation_failed', `A chat line has 1 to ${MAX_CHAT_LENGTH} characters`);
    }
    const show = await this.show(showId);
    if (show.status === 'ended') throw new AppError('show_ended', 'This show has ended');
    const privileged = await this.isPrivileged(who, showId);
    const decision = await this.decide(show, who.id, privileged);
    if (!decision.ok) {
      throw new AppError(decision.code, decision.message, {
        extra: decision.extra ?? {},
        ...('retryAfterMs' in (decision.extra ?? {})
          ? { headers: { 'retry-after': String(Math.ceil(Number(decision.extra?.['retryAfterMs']) / 1000)) } }
          : {}),
      });
    }
    const flagged = containsProfanity(text, show.blockedWords);
    const message: ChatMessage = {
      id: newId('chat'),
      showId,
      userId: who.id,
      userName: await this.nameOf(who.id),
      text: flagged ? censor(text, show.blockedWords) : text,
      kind: privileged && who.id === show.hostId ? 'announcement' : 'chat',
      flagged,
      at: new Date(this.o.clock.now()).toISOString(),
    };
    this.publish(message);
    if (message.kind === 'chat') {
      void this.afterPost(show, who, message, text).catch((e) =>
        this.o.logger.warn({ err: toError(e), show: showId }, 'after-chat work failed'),
      );
    }
    return message;
  }

  private async isPrivileged(who: Principal, showId: string): Promise<boolean> {
    const key = `${showId}|${who.id}`;
    const cached = this.privileged.get(key);
    if (cached) return cached.yes;
    const yes = await this.o.shows.canModerate(who, showId);
    this.privileged.set(key, { yes });
    return yes;
  }

  /** Sends a line from the system (the FAQ bot, announcements) to the room. */
  publish(message: ChatMessage): void {
    this.o.bus.publish(SUBJECTS.chat, message);
    this.o.archive.add(message);
  }

  private async decide(show: Show, userId: string, privileged: boolean): Promise<ChatDecision> {
    const now = this.o.clock.now();
    const key = `${show.id}|${userId}`;
    const [mine, mod] = await Promise.all([
      this.pace.read(key, now - CHAT_RATE_WINDOW_MS),
      this.o.moderation.status(show.id, userId),
    ]);
    const decision = chatAllowed({
      now,
      lastMessageAt: mine.last,
      slowModeSeconds: show.slowModeSeconds,
      recentTimestamps: mine.stamps,
      muted: mod.muted,
      banned: mod.banned,
      privileged,
    });
    // Kept as long as either rule looks back. Two nodes deciding in the same instant may both
    // allow a line: the limit is a courtesy to the room, not a ledger.
    if (decision.ok) {
      await this.pace.record(key, now, Math.max(CHAT_RATE_WINDOW_MS, show.slowModeSeconds * 1_000));
    }
    return decision;
  }

  /** Comment to buy, FAQ answers and the question radar: once per line, on the node it arrived at. */
  private async afterPost(show: Show, who: Principal, message: ChatMessage, text: string): Promise<void> {
    if (
      show.commentToBuy.enabled &&
      show.featured &&
      show.status === 'live' &&
      isCommentToBuy(text, show.commentToBuy.keyword)
    ) {
      const result = await this.o.engine
        .claim({
          saleId: show.saleId,
          sku: show.featured.sku,
          quantity: 1,
          buyerId: who.id,
          idempotencyKey: `c2b:${message.id}`,
        })
        .catch((e: unknown) => ({
          ok: false as const,
          code: e instanceof AppError ? e.code : 'unavailable',
          message: toError(e).message,
        }));
      const notice: UserNotice = {
        userId: who.id,
        ev: 'comment_to_buy',
        data: result.ok
          ? { showId: show.id, ok: true, reservation: result.reservation }
          : { showId: show.id, ok: false, code: result.code, message: result.message },
      };
      this.o.bus.publish(SUBJECTS.userNotice, notice);
      return;
    }
    const answer = await this.o.intelligence.onChat(show, message);
    if (answer) this.publish(answer);
  }

  async remove(actor: Principal, showId: string, messageId: string): Promise<void> {
    const facts = await this.o.shows.moderated(actor, showId);
    authorize(deleteChatLine(actor, facts, await this.lineOf(showId, messageId)));
    this.o.archive.markDeleted(messageId);
    this.o.bus.publish(SUBJECTS.chatDeleted, { showId, id: messageId });
  }

  /** The line, if it was said in this show (in this node's memory, or in the archive). */
  private async lineOf(showId: string, messageId: string): Promise<{ showId: string } | undefined> {
    if (this.history.get(showId)?.some((l) => l.id === messageId)) return { showId };
    await this.o.archive.flush();
    const [row] = await this.o.store.query<{ show_id: string }>(
      'select show_id from chat_messages where id = $1',
      [messageId],
    );
    return row ? { showId: row.show_id } : undefined;
  }

  async moderate(
    actor: Principal & { readonly ip?: string },
    showId: string,
    userId: string,
    action: 'mute' | 'ban' | 'unmute' | 'unban',
    minutes?: number,
  ) {
    const facts = await this.o.shows.moderated(actor, showId);
    const [target] = await this.o.store.query<{ role: TargetFacts['role'] }>(
      'select role from users where id = $1',
      [userId],
    );
    authorize(moderateUser(actor, facts, { id: userId, role: target?.role }));
    const until = minutes ? this.o.clock.now() + minutes * 60_000 : null;
    await this.o.moderation.set(showId, userId, action, until, {
      id: actor.id,
      role: actor.role,
      ip: actor.ip,
    });
  }

  private remember(m: ChatMessage): void {
    let lines = this.history.get(m.showId);
    if (!lines) {
      lines = [];
      this.history.set(m.showId, lines);
    }
    lines.push(m);
    if (lines.length > HISTORY * 2) lines.splice(0, lines.length - HISTORY);
  }

  private forget(d: { showId: string; id: string }): void {
    const lines = this.history.get(d.showId);
    if (lines)
      this.history.set(
        d.showId,
        lines.filter((l) => l.id !== d.id),
      );
  }

  /** The last lines of a room (from memory, or from the archive after a restart). */
  async recentLines(showId: string, limit = HISTORY): Promise<ChatMessage[]> {
    const mem = this.history.get(showId);
    if (mem && mem.length >= Math.min(limit, HISTORY)) return mem.slice(-limit);
    await this.o.archive.flush();
    const rows = await this.o.store.query<{
      id: string;
      user_id: string | null;
      user_name: string;
      text: string;
      kind: ChatMessage['kind'];
      flagged: boolean;
      created_at: Date;
    }>(
      `select id, user_id, user_name, text, kind, flagged, created_at from chat_messages
       where show_id = $1 and not deleted order by created_at desc limit $2`,
      [showId, limit],
    );
    return rows.reverse().map((r) => ({
      id: r.id,
      showId,
      userId: r.user_id,
      userName: r.user_name,
      text: r.text,
      kind: r.kind,
      flagged: r.flagged,
      at: r.created_at.toISOString(),
    }));
  }
}
