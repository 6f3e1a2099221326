import type { Logger } from 'pino';
import { authorize, ownChannel } from '../modules/policy/index.ts';
import type { WaitingRoomService } from '../modules/waiting-room/index.ts';
import { AppError, toError } from '../platform/errors.ts';
import type { ChannelHub, ChannelProvider, Subscriber } from './channel-hub.ts';

const REFRESH_MS = 250;
/** ETAs drift with the observed rate even when nobody moved: refresh them this often. */
const FULL_REFRESH_MS = 2_000;
/** An open socket keeps its ticket's place (the holder is here). */
const TOUCH_MS = 30_000;

interface Tracked {
  readonly tickets: Map<string, { name: string; last?: string }>;
  version: number;
  refreshedAt: number;
}

/**
 * `queue:SALE:TICKET` channels: the ticket holder's position and ETA, pushed as admission
 * advances (conflated by the hub), and the admission token the moment it is granted. Works the
 * same over the in-memory and the Redis queue: each node refreshes the tickets it serves.
 */
export class QueueChannels implements ChannelProvider {
  readonly prefix = 'queue';
  readonly kind = 'state' as const;
  private readonly sales = new Map<string, Tracked>();
  private timers: NodeJS.Timeout[] = [];
  private refreshing = false;

  constructor(
    private readonly hub: ChannelHub,
    private readonly service: WaitingRoomService,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  private parse(name: string): { saleId: string; ticketId: string } {
    const [, saleId, ticketId] = name.split(':');
    if (!saleId || !ticketId) throw new AppError('not_found', 'A queue channel is queue:<sale>:<ticket>');
    return { saleId, ticketId };
  }

  async authorize(name: string, sub: Subscriber): Promise<void> {
    if (!sub.principal) return authorize(ownChannel(undefined, undefined));
    const { saleId, ticketId } = this.parse(name);
    const owner = await this.service.ticketOwner(saleId, ticketId);
    // Someone else's ticket and no ticket look the same.
    authorize(ownChannel(sub.principal, owner ?? undefined, 'not_found'));
  }

  async snapshot(name: string): Promise<{ ev: string; data: unknown } | undefined> {
    const { saleId, ticketId } = this.parse(name);
    const status = (await this.service.statuses(saleId, [ticketId])).get(ticketId);
    if (status) {
      const t = this.sales.get(saleId)?.tickets.get(ticketId);
      if (t) t.last = JSON.stringify(status);
    }
    return status ? { ev: 'state', data: status } : undefined;
  }

  activate(name: string): void {
    const { saleId, ticketId } = this.parse(name);
    let tracked = this.sales.get(saleId);
    if (!tracked) {
      tracked = { tickets: new Map(), version: -1, refreshedAt: 0 };
      this.sales.set(saleId, tracked);
    }
    tracked.tickets.set(ticketId, { name });
    // A missed touch is made up by touchAll within 30 s, long before a ticket lapses (5 min).
    void this.service.touch(saleId, [ticketId]).catch(() => {});
  }

  deactivate(name: string): void {
    const { saleId, ticketId } = this.parse(name);
    const tracked = this.sales.get(saleId);
    tracked?.tickets.delete(ticketId);
    if (tracked?.tickets.size === 0) this.sales.delete(saleId);
  }

  start(): void {
    const refresh = setInterval(() => void this.refresh(), REFRESH_MS);
    const touch = setInterval(() => void this.touchAll(), TOUCH_MS);
    refresh.unref();
    touch.unref();
    this.timers = [refresh, touch];
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const now = this.now();
      for (const [saleId, tracked] of this.sales) {
        const version = await this.service.lineVersion(saleId);
        if (version === tracked.version && now - tracked.refreshedAt < FULL_REFRESH_MS) continue;
        tracked.version = version;
        tracked.refreshedAt = now;
        const statuses = await this.service.statuses(saleId, [...tracked.tickets.keys()]);
        for (const [ticketId, status] of statuses) {
          const t = tracked.tickets.get(ticketId);
          if (!t) continue;
          const text = JSON.stringify(status);
          if (text === t.last) continue;
          t.last = text;
          this.hub.publishState(t.name, 'state', status, { immediate: status.position === 0 });
        }
      }
    } catch (e) {
      this.logger.warn({ err: toError(e) }, 'queue channel refresh failed');
    } finally {
      this.refreshing = false;
    }
  }

  private async touchAll(): Promise<void> {
    for (const [saleId, tracked] of this.sales) {
      await this.service
        .touch(saleId, [...tracked.tickets.keys()])
        .catch((e: unknown) =>
          this.logger.warn({ err: toError(e), saleId }, 'queue keep-alive failed; again in 30 s'),
        );
    }
  }
}
