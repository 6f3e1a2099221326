import type { Bus } from '../../platform/bus/bus.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Store } from '../../platform/store/store.ts';
import { type AuditActor, record } from '../audit/index.ts';
import { type ModerationNotice, SUBJECTS } from './chat-types.ts';

const RELOAD_MS = 60_000;
/** Shows whose moderation a node keeps (the ones it serves now). */
const SHOWS_MAX = 10_000;

const AUDITED = {
  mute: 'chat.muted',
  unmute: 'chat.unmuted',
  ban: 'chat.banned',
  unban: 'chat.unbanned',
} as const satisfies Record<ModerationNotice['action'], string>;

interface Entry {
  action: 'mute' | 'ban';
  until: number | null;
}

/**
 * Mutes and bans, enforced on every node: kept in the store, cached per show on each node, and
 * changes broadcast to every node at once (a ban takes effect cluster-wide in milliseconds).
 */
export class ModerationCache {
  private readonly shows: Cache<string, Map<string, Entry>>;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {
    this.shows = createCache({ max: SHOWS_MAX, ttlMs: RELOAD_MS, clock });
  }

  start(): void {
    this.unsubscribe = this.bus.subscribe(SUBJECTS.moderation, (data) =>
      this.apply(data as ModerationNotice),
    );
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private apply(n: ModerationNotice): void {
    const cached = this.shows.get(n.showId);
    if (!cached) return;
    if (n.action === 'unmute' || n.action === 'unban') cached.delete(n.userId);
    else cached.set(n.userId, { action: n.action, until: n.until });
  }

  private async entries(showId: string): Promise<Map<string, Entry>> {
    const cached = this.shows.get(showId);
    if (cached) return cached;
    const rows = await this.store.query<{ user_id: string; action: 'mute' | 'ban'; until: Date | null }>(
      'select user_id, action, until from show_moderation where show_id = $1',
      [showId],
    );
    const entries = new Map(
      rows.map((r) => [r.user_id, { action: r.action, until: r.until?.getTime() ?? null }]),
    );
    this.shows.set(showId, entries);
    return entries;
  }

  async status(showId: string, userId: string): Promise<{ muted: boolean; banned: boolean }> {
    const e = (await this.entries(showId)).get(userId);
    const active = e !== undefined && (e.until === null || e.until > this.clock.now());
    return { muted: active && e?.action === 'mute', banned: active && e?.action === 'ban' };
  }

  async set(
    showId: string,
    userId: string,
    action: ModerationNotice['action'],
    until: number | null,
    by: AuditActor & { readonly id: string },
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (action === 'unmute' || action === 'unban') {
        await tx.query('delete from show_moderation where show_id = $1 and user_id = $2', [showId, userId]);
      } else {
        await tx.query(
          `insert into show_moderation (show_id, user_id, action, until, by_user) values ($1, $2, $3, $4, $5)
           on conflict (show_id, user_id) do update set action = excluded.action, until = excluded.until, by_user = excluded.by_user`,
          [showId, userId, action, until === null ? null : new Date(until), by.id],
        );
      }
      await record(tx, {
        at: this.clock.now(),
        actor: by,
        action: AUDITED[action],
        target: { type: 'user', id: userId },
        details: { showId, until: until === null ? null : new Date(until).toISOString() },
      });
    });
    const notice: ModerationNotice = { showId, userId, action, until };
    this.bus.publish(SUBJECTS.moderation, notice);
    this.apply(notice);
  }
}
