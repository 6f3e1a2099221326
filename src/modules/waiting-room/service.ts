import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { issueChallenge, verifySolution } from '../../domain/proof-of-work.ts';
import {
  admissionExpiresAt,
  admissionTick,
  DEFAULT_ABANDON_AFTER_SECONDS,
  etaSeconds,
  isQueueOpen,
  observedRate,
  pause,
  queueOpensAt,
  refill,
  resume,
  startPacer,
} from '../../domain/waiting-room.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../auth/index.ts';
import type { SaleInfo, SalesService, WaitingRoomConfig } from '../sales/index.ts';
import type { AdmissionTokens } from './admission-tokens.ts';
import { openLineFairly } from './line-draw.ts';
import { holdsPlace, type QueueStatus, type QueueStore, type Ticket } from './queue-store.ts';

/** The admission loop's period: the pacer must tick at least once a second (see burstCapFor). */
export const ADMISSION_TICK_MS = 250;
const LEASE_MS = 3_000;
const DISCOVER_MS = 5_000;
/** Sales whose rates a node keeps between ticks. */
const RATES_MAX = 10_000;

type Rates = { observedPerMinute: number | undefined; configuredPerMinute: number; paused: boolean };

export type { QueueStatus } from './queue-store.ts';

interface KnownSale {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly config: WaitingRoomConfig;
}

export interface WaitingRoomOptions {
  readonly store: QueueStore;
  readonly sales: Pick<SalesService, 'info' | 'withWaitingRoom'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tokens: AdmissionTokens;
  readonly powSecret: Uint8Array;
  readonly nodeId: string;
  readonly onAdmitted?: (saleId: string, count: number) => void;
}

/**
 * The waiting room: joining (one ticket per account, proof of work when configured), the fair
 * draw at the start, admission at the configured pace under `maxActive`, live position and an
 * ETA from the observed rate, the host's controls.
 */
export class WaitingRoomService {
  private readonly known = new Map<string, KnownSale>();
  private readonly rateCache: Cache<string, { at: number; value: Rates }>;
  private timer: NodeJS.Timeout | undefined;
  private discoverTimer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(private readonly o: WaitingRoomOptions) {
    this.rateCache = createCache({ max: RATES_MAX, ttlMs: ADMISSION_TICK_MS, clock: o.clock });
  }

  private async sale(saleId: string): Promise<KnownSale> {
    const known = this.known.get(saleId);
    if (known) return known;
    const info = await this.o.sales.info(saleId);
    if (!info) throw new AppError('not_found', 'Sale not found');
    if (!info.waitingRoom) throw new AppError('no_waiting_room', 'This sale has no waiting room');
    return this.remember(info, info.waitingRoom);
  }

  /** The queue store, for the published pre-open draw (line-draw.ts). */
  get queueStore(): QueueStore {
    return this.o.store;
  }

  private remember(info: SaleInfo, config: WaitingRoomConfig): KnownSale {
    const sale = { id: info.id, startsAt: info.startsAt, endsAt: info.endsAt, config };
    this.known.set(sale.id, sale);
    return sale;
  }

  async challenge(saleId: string): Promise<{ challenge: string; difficulty: number; expiresAt: string }> {
    const sale = await this.sale(saleId);
    const difficulty = sale.config.proofOfWork?.difficulty;
    if (!difficulty) throw new AppError('not_found', 'This waiting room asks for no proof of work');
    const c = issueChallenge({
      secret: this.o.powSecret,
      saleId,
      difficulty,
      now: this.o.clock.now(),
      random: randomBytes(16),
    });
    return {
      challenge: c.challenge,
      difficulty: c.difficulty,
      expiresAt: new Date(c.expiresAt).toISOString(),
    };
  }

  async join(
    saleId: string,
    buyer: Principal,
    pow?: { challenge: string; solution: string },
  ): Promise<QueueStatus & { created: boolean }> {
    const sale = await this.sale(saleId);
    const now = this.o.clock.now();
    if (!isQueueOpen({ startsAt: sale.startsAt, endsAt: sale.endsAt }, sale.config.opensBeforeSeconds, now)) {
      if (now >= sale.endsAt) throw new AppError('ended', 'The sale has ended');
      const opensAt = new Date(queueOpensAt(sale.startsAt, sale.config.opensBeforeSeconds)).toISOString();
      throw new AppError('queue_not_open', `The waiting room opens at ${opensAt}`, { extra: { opensAt } });
    }
    // A buyer keeps a place they hold; one who left, lapsed or let their turn expire joins at the back.
    const existing = await this.o.store.ticketOfBuyer(saleId, buyer.id);
    if (existing && holdsPlace(existing, now))
      return { ...(await this.statusOf(sale, existing)), created: false };
    if (sale.config.proofOfWork) await this.checkWork(sale, pow, now);
    const candidate: Ticket = {
      id: newId('ticket'),
      saleId,
      buyerId: buyer.id,
      state: 'waiting',
      preOpen: now < sale.startsAt,
      joinedAt: now,
    };
    const { ticket, created } = await this.o.store.join(candidate);
    return { ...(await this.statusOf(sale, ticket)), created };
  }

  private async checkWork(
    sale: KnownSale,
    pow: { challenge: string; solution: string } | undefined,
    now: number,
  ) {
    if (!pow) {
      throw new AppError('pow_required', 'Solve the challenge first: GET /api/sales/:id/queue/challenge', {
        extra: { difficulty: sale.config.proofOfWork?.difficulty },
      });
    }
    const verdict = verifySolution({
      secret: this.o.powSecret,
      challenge: pow.challenge,
      solution: pow.solution,
      saleId: sale.id,
      now,
      minDifficulty: sale.config.proofOfWork?.difficulty ?? 0,
    });
    if (!verdict.ok) throw new AppError(verdict.code, verdict.message);
    if (!(await this.o.store.spendChallenge(verdict.value.challengeId, verdict.value.expiresAt, now))) {
      throw new AppError('pow_invalid', 'This challenge was already used');
    }
  }

  async ticketOf(saleId: string, buyerId: string): Promise<Ticket | undefined> {
    await this.sale(saleId);
    return this.o.store.ticketOfBuyer(saleId, buyerId);
  }

  async status(saleId: string, ticketId: string, buyerId: string): Promise<QueueStatus> {
    const sale = await this.sale(saleId);
    const ticket = await this.o.store.ticket(saleId, ticketId);
    if (!ticket || ticket.buyerId !== buyerId) throw new AppError('not_found', 'No such ticket');
    await this.o.store.touch(saleId, [ticketId], this.o.clock.now());
    return this.statusOf(sale, ticket);
  }

  /** Statuses of many tickets at once (the queue channels of one node). */
  async statuses(saleId: string, ticketIds: readonly string[]): Promise<Map<string, QueueStatus>> {
    const sale = await this.sale(saleId);
    const [positions, tickets, rates] = await Promise.all([
      this.o.store.positions(saleId, ticketIds),
      this.o.store.tickets(saleId, ticketIds),
      this.rates(sale),
    ]);
    const out = new Map<string, QueueStatus>();
    for (const [id, ticket] of tickets)
      out.set(id, await this.describe(sale, ticket, positions.get(id), rates));
    return out;
  }

  lineVersion(saleId: string): Promise<number> {
    return this.o.store.lineVersion(saleId);
  }

  async touch(saleId: string, ticketIds: readonly string[]): Promise<void> {
    await this.o.store.touch(saleId, ticketIds, this.o.clock.now());
  }

  async ticketOwner(saleId: string, ticketId: string): Promise<string | undefined> {
    return (await this.o.store.ticket(saleId, ticketId))?.buyerId;
  }

  private async statusOf(sale: KnownSale, ticket: Ticket): Promise<QueueStatus> {
    const positions = await this.o.store.positions(sale.id, [ticket.id]);
    return this.describe(sale, ticket, positions.get(ticket.id), await this.rates(sale));
  }

  /**
   * Settings and the observed rate of a sale, computed at most every 250 ms: every join and
   * every poll needs them, and they only move with the admission ticks.
   */
  private async rates(sale: KnownSale) {
    const now = this.o.clock.now();
    const cached = this.rateCache.get(sale.id);
    // A clock set back does not keep a value from the "future".
    if (cached && now >= cached.at) return cached.value;
    const value = await this.computeRates(sale, now);
    this.rateCache.set(sale.id, { at: now, value });
    return value;
  }

  private async computeRates(sale: KnownSale, now: number): Promise<Rates> {
    const settings = await this.o.store.settings(sale.id);
    const records = await this.o.store.admissions(sale.id, now - 60_000);
    return {
      observedPerMinute: observedRate({ records, startedAt: sale.startsAt, now }),
      configuredPerMinute: settings.admitPerMinute ?? sale.config.admitPerMinute,
      paused: settings.paused,
    };
  }

  private async describe(
    sale: KnownSale,
    ticket: Ticket,
    position: number | undefined,
    rates: { observedPerMinute: number | undefined; configuredPerMinute: number; paused: boolean },
  ): Promise<QueueStatus> {
    const admitted =
      ticket.state === 'admitted' &&
      ticket.admittedAt !== undefined &&
      ticket.admissionExpiresAt !== undefined;
    const base = {
      ticket: ticket.id,
      saleId: sale.id,
      state: ticket.state,
      preOpen: ticket.preOpen && position === undefined && ticket.state === 'waiting',
      saleStartsAt: new Date(sale.startsAt).toISOString(),
      paused: rates.paused,
    };
    if (admitted) {
      const token = await this.o.tokens.sign({
        buyerId: ticket.buyerId,
        saleId: sale.id,
        ticketId: ticket.id,
        admittedAt: ticket.admittedAt as number,
        expiresAt: ticket.admissionExpiresAt as number,
      });
      return {
        ...base,
        position: 0,
        etaSeconds: 0,
        admissionToken: token,
        admissionExpiresAt: new Date(ticket.admissionExpiresAt as number).toISOString(),
      };
    }
    if (ticket.state !== 'waiting' || position === undefined)
      return { ...base, position: null, etaSeconds: null };
    return { ...base, position, etaSeconds: etaSeconds(position, rates) };
  }

  async leave(saleId: string, ticketId: string, buyerId: string): Promise<QueueStatus> {
    const sale = await this.sale(saleId);
    const ticket = await this.o.store.ticket(saleId, ticketId);
    if (!ticket || ticket.buyerId !== buyerId) throw new AppError('not_found', 'No such ticket');
    const left = (await this.o.store.leave(saleId, ticketId)) ?? ticket;
    return this.statusOf(sale, left);
  }

  /** Whether the buyer gave this admission back by leaving the queue. */
  async admissionRevoked(saleId: string, ticketId: string): Promise<boolean> {
    return (await this.o.store.ticket(saleId, ticketId))?.state === 'left';
  }

  /** The buyer checked out: their admission no longer counts as active. */
  async finished(saleId: string, buyerId: string): Promise<void> {
    if (this.known.has(saleId) || (await this.o.sales.info(saleId))?.waitingRoom)
      await this.o.store.finish(saleId, buyerId);
  }

  async hostView(saleId: string) {
    const sale = await this.sale(saleId);
    const now = this.o.clock.now();
    const [counts, rates] = await Promise.all([this.o.store.counts(saleId, now), this.rates(sale)]);
    return {
      saleId,
      ...counts,
      length: counts.waiting + counts.preOpen,
      maxActive: sale.config.maxActive,
      configuredPerMinute: sale.config.admitPerMinute,
      admitPerMinute: rates.configuredPerMinute,
      observedPerMinute: rates.observedPerMinute ?? null,
      paused: rates.paused,
      opensAt: new Date(queueOpensAt(sale.startsAt, sale.config.opensBeforeSeconds)).toISOString(),
      startsAt: new Date(sale.startsAt).toISOString(),
    };
  }

  async updateSettings(saleId: string, patch: { admitPerMinute?: number; paused?: boolean }) {
    const sale = await this.sale(saleId);
    const now = this.o.clock.now();
    const before = await this.o.store.settings(saleId);
    const rate = before.admitPerMinute ?? sale.config.admitPerMinute;
    const pacer = await this.o.store.pacer(saleId);
    if (pacer) {
      // Book the credit earned at the old rate before anything changes (domain: refill).
      let next = refill(pacer, rate, now);
      if (patch.paused === true && !before.paused) next = pause(next, rate, now);
      if (patch.paused === false && before.paused) next = resume(next, now);
      await this.o.store.savePacer(saleId, next);
    }
    await this.o.store.updateSettings(saleId, patch);
    this.rateCache.delete(saleId);
    return this.hostView(saleId);
  }

  // ------------------------------------------------------------------------------------------
  // The admission loop

  start(): void {
    this.timer = setInterval(() => void this.tickAll(), ADMISSION_TICK_MS);
    this.timer.unref();
    this.discoverTimer = setInterval(() => void this.discover(), DISCOVER_MS);
    this.discoverTimer.unref();
    void this.discover();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.discoverTimer) clearInterval(this.discoverTimer);
    while (this.ticking) await new Promise((r) => setTimeout(r, 10));
  }

  /** Finds the sales whose waiting room is open now, or about to open (and forgets ended ones). */
  async discover(): Promise<void> {
    try {
      const open = await this.o.sales.withWaitingRoom(this.o.clock.now());
      this.known.clear();
      for (const info of open) this.remember(info, info.waitingRoom);
    } catch (e) {
      this.o.logger.warn({ err: toError(e) }, 'waiting-room discovery failed');
    }
  }

  async tickAll(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.o.clock.now();
      for (const sale of this.known.values()) {
        if (now < sale.startsAt || now >= sale.endsAt) continue;
        if (!(await this.o.store.lead(sale.id, this.o.nodeId, LEASE_MS))) continue;
        await this.tick(sale, now);
      }
    } catch (e) {
      this.o.logger.warn({ err: toError(e) }, 'admission tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /** One step for one sale, on the node holding its lease: the draw (once), then admissions. */
  private async tick(sale: KnownSale, now: number): Promise<void> {
    if (!(await this.o.store.lineOpened(sale.id))) {
      await openLineFairly(this.o.store, this.o.sales, sale.id);
    }
    const settings = await this.o.store.settings(sale.id);
    const counts = await this.o.store.counts(sale.id, now);
    const pacer = (await this.o.store.pacer(sale.id)) ?? { ...startPacer(now), paused: settings.paused };
    const { state, admit } = admissionTick(pacer, {
      admitPerMinute: settings.admitPerMinute ?? sale.config.admitPerMinute,
      now,
      activeCount: counts.active,
      maxActive: sale.config.maxActive,
      waiting: counts.waiting,
    });
    let admitted = 0;
    if (admit > 0) {
      const abandonAfter = (sale.config.abandonAfterSeconds ?? DEFAULT_ABANDON_AFTER_SECONDS) * 1000;
      const next = await this.o.store.nextWaiting(sale.id, admit, now - abandonAfter);
      await this.o.store.admit(sale.id, next, now, admissionExpiresAt(now, sale.config.admissionTtlSeconds));
      admitted = next.length;
    }
    // Credit not used (the line ran short after skipping the departed) is given back.
    await this.o.store.savePacer(sale.id, { ...state, credit: state.credit + (admit - admitted) });
    if (admitted > 0) this.o.onAdmitted?.(sale.id, admitted);
  }
}
