import { type SaleStatus, saleStatus } from '../domain/sale-status.ts';
import type { Sale, SalesService } from '../modules/sales/index.ts';
import type { EventRecord } from '../platform/bus/events.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { idPattern } from '../platform/ids.ts';
import type { ChannelHub, ChannelProvider } from './channel-hub.ts';

export interface SaleItemState {
  sku: string;
  title: string;
  remaining: number;
  stock: number;
  priceCents: number;
  currency: string;
  perBuyerLimit: number;
  imageUrl: string | null;
  version: number;
}

/** What a `sale:ID` subscriber sees: one object, always whole, always the latest. */
export interface SaleState {
  id: string;
  title: string;
  status: SaleStatus;
  startsAt: string;
  endsAt: string;
  serverTime: string;
  waitingRoom: boolean;
  items: SaleItemState[];
}

interface Tracked {
  state: SaleState | undefined;
  /** Events that arrived while the first snapshot was loading. */
  buffered: EventRecord[];
  timers: NodeJS.Timeout[];
}

const SALE_ID = new RegExp(idPattern('sale'));
const STOCK_EVENTS = new Set([
  'sale.claimed',
  'reservation.expired',
  'reservation.released',
  'waitlist.offered',
]);

/**
 * `sale:ID` channels: status, per-item remaining and price, opening and closing times. Fed by the
 * event log (any node's claims), conflated by the hub; sold-out and status changes go at once.
 * Every item carries a version: an event older than what is shown is ignored, so events that
 * arrive out of order never move the stock backwards.
 */
export class SaleChannels implements ChannelProvider {
  readonly prefix = 'sale';
  readonly kind = 'state' as const;
  readonly presence = true;
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly hub: ChannelHub,
    private readonly sales: SalesService,
    private readonly clock: Clock,
  ) {}

  authorize(name: string): void {
    if (!SALE_ID.test(name.slice(5))) throw new AppError('not_found', 'No such sale');
  }

  async snapshot(name: string): Promise<{ ev: string; data: unknown } | undefined> {
    const t = this.tracked.get(name);
    if (t?.state) return { ev: 'state', data: this.stamp(t.state) };
    const sale = await this.sales.get(name.slice(5));
    if (!sale) throw new AppError('not_found', 'No such sale');
    const state = fromSale(sale);
    const now = this.tracked.get(name);
    if (!now) return { ev: 'state', data: state }; // everyone left while we loaded
    now.state = state;
    for (const e of now.buffered.splice(0)) this.applyTo(now, e);
    this.schedule(name, now);
    return { ev: 'state', data: this.stamp(state) };
  }

  activate(name: string): void {
    this.tracked.set(name, { state: undefined, buffered: [], timers: [] });
  }

  deactivate(name: string): void {
    const t = this.tracked.get(name);
    for (const timer of t?.timers ?? []) clearTimeout(timer);
    this.tracked.delete(name);
  }

  /** Feeds one event of the log. */
  apply(e: EventRecord): void {
    if (!STOCK_EVENTS.has(e.type)) return;
    const name = `sale:${String(e.payload['saleId'] ?? e.key)}`;
    const t = this.tracked.get(name);
    if (!t) return;
    if (!t.state) {
      t.buffered.push(e);
      return;
    }
    const before = t.state.status;
    const soldBefore = t.state.items.filter((i) => i.remaining === 0).length;
    if (!this.applyTo(t, e)) return;
    const soldAfter = t.state.items.filter((i) => i.remaining === 0).length;
    this.publish(name, t.state, before !== t.state.status || soldAfter !== soldBefore);
  }

  /** Applies a stock change if it is newer than what is shown; true when something changed. */
  private applyTo(t: Tracked, e: EventRecord): boolean {
    const state = t.state as SaleState;
    const sku = String(e.payload['sku']);
    const version = Number(e.payload['itemVersion']);
    const remaining = Number(e.payload['remaining']);
    const item = state.items.find((i) => i.sku === sku);
    if (!item || !Number.isFinite(version) || !Number.isFinite(remaining) || version <= item.version)
      return false;
    item.version = version;
    item.remaining = remaining;
    state.status = this.statusOf(state);
    return true;
  }

  private statusOf(state: SaleState): SaleStatus {
    const total = state.items.reduce((n, i) => n + i.remaining, 0);
    return saleStatus(
      { startsAt: Date.parse(state.startsAt), endsAt: Date.parse(state.endsAt) },
      total,
      this.clock.now(),
    );
  }

  private stamp(state: SaleState): SaleState {
    state.serverTime = new Date(this.clock.now()).toISOString();
    return state;
  }

  private publish(name: string, state: SaleState, immediate: boolean): void {
    this.hub.publishState(
      name,
      'state',
      { ...this.stamp(state), items: state.items.map((i) => ({ ...i })) },
      { immediate },
    );
  }

  /** Status changes at the opening and closing instants are pushed at once, on server time. */
  private schedule(name: string, t: Tracked): void {
    const state = t.state as SaleState;
    for (const at of [Date.parse(state.startsAt), Date.parse(state.endsAt)]) {
      const wait = at - this.clock.now();
      if (wait <= 0 || wait > 2 ** 31 - 1) continue;
      const timer = setTimeout(() => {
        const current = this.tracked.get(name);
        if (!current?.state) return;
        current.state.status = this.statusOf(current.state);
        this.publish(name, current.state, true);
      }, wait + 1);
      timer.unref();
      t.timers.push(timer);
    }
  }
}

function fromSale(sale: Sale): SaleState {
  return {
    id: sale.id,
    title: sale.title,
    status: sale.status,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    serverTime: sale.serverTime,
    waitingRoom: sale.waitingRoom !== null,
    items: sale.items
      .filter((i) => i.active)
      .map((i) => ({
        sku: i.sku,
        title: i.title,
        remaining: i.remaining,
        stock: i.stock,
        priceCents: i.priceCents,
        currency: i.currency,
        perBuyerLimit: i.perBuyerLimit,
        imageUrl: i.imageUrl,
        version: i.version,
      })),
  };
}
