import type { Logger } from 'pino';
import {
  NEXT_OCCURRENCE_HORIZON_DAYS,
  occurrencesBetween,
  type Recurrence,
  recurrenceProblem,
} from '../../domain/recurrence.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, toError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { normaliseTag } from '../catalog/index.ts';
import { authorize, manage } from '../policy/index.ts';
import {
  DEFAULT_HOLD_SECONDS,
  type NewSale,
  type SalesService,
  type WaitingRoomConfig,
} from '../sales/index.ts';
import type { NewParty, Party, PartyRecurrence, PartyState } from './types.ts';

/**
 * How far ahead an occurrence's sale is created: a day, so that buyers see it (with its
 * countdown) and can be reminded; longer when its waiting room opens earlier than that.
 */
export const SCHEDULE_AHEAD_MS = 24 * 3_600_000;
const NEXT_SHOWN = 5;
/** How far ahead the next start times are looked for. */
const LOOK_AHEAD_MS = NEXT_OCCURRENCE_HORIZON_DAYS * 86_400_000;

interface PartyRow {
  id: string;
  host_id: string;
  title: string;
  description: string;
  hashtags: string[];
  recurrence: PartyRecurrence;
  duration_minutes: number;
  hold_seconds: number;
  waiting_room: WaitingRoomConfig | null;
  items: NewSale['items'];
  state: PartyState;
  starts_on: Date;
  ends_on: Date | null;
  created_at: Date;
}

export interface PartiesServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly sales: SalesService;
  readonly logger: Logger;
  readonly onCommit: () => void;
}

/** Parties: their rules, and the scheduler that turns each occurrence into a sale ahead of time. */
export class PartiesService {
  constructor(private readonly o: PartiesServiceOptions) {}

  async create(host: Principal, input: NewParty): Promise<Party> {
    const problem = recurrenceProblem(input.recurrence);
    if (problem) throw new AppError('invalid_party', problem);
    const now = this.o.clock.now();
    const startsOn = input.startsOn ? Date.parse(input.startsOn) : now;
    const endsOn = input.endsOn ? Date.parse(input.endsOn) : undefined;
    if (endsOn !== undefined && !(endsOn > startsOn))
      throw new AppError('invalid_party', 'endsOn must be after startsOn');
    const skus = input.items.map((i) => i.sku);
    const dup = skus.find((s, i) => skus.indexOf(s) !== i);
    if (dup) throw new AppError('invalid_party', `SKU ${dup} is listed twice`, { extra: { sku: dup } });
    const recurrence: Recurrence =
      input.recurrence.frequency === 'weekly'
        ? { ...input.recurrence, weekdays: [...(input.recurrence.weekdays ?? [])].sort((a, b) => a - b) }
        : {
            frequency: 'daily',
            time: input.recurrence.time,
            timeZone: input.recurrence.timeZone,
          };
    if (endsOn !== undefined && occurrencesBetween(recurrence, startsOn, endsOn, 1).length === 0)
      throw new AppError('invalid_party', 'No occurrence falls between startsOn and endsOn');
    const id = newId('party');
    await this.o.store.transaction(async (tx) => {
      await this.o.sales.hostVariants(tx, host, skus);
      await tx.query(
        `insert into parties (id, host_id, title, description, hashtags, recurrence, duration_minutes, hold_seconds,
                              waiting_room, items, starts_on, ends_on)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          id,
          host.id,
          input.title,
          input.description ?? '',
          (input.hashtags ?? []).map(normaliseTag),
          JSON.stringify(recurrence),
          input.durationMinutes,
          input.holdSeconds ?? DEFAULT_HOLD_SECONDS,
          input.waitingRoom ? JSON.stringify(input.waitingRoom) : null,
          JSON.stringify(input.items),
          new Date(startsOn),
          endsOn === undefined ? null : new Date(endsOn),
        ],
      );
      await appendEvents(tx, [
        { type: 'party.created', key: id, payload: { partyId: id, hostId: host.id, recurrence } },
      ]);
    });
    this.o.onCommit();
    await this.scheduleOne(id);
    return (await this.get(id)) as Party;
  }

  async get(id: string): Promise<Party | undefined> {
    const [row] = await this.o.store.query<PartyRow>('select * from parties where id = $1', [id]);
    return row ? this.toParty(row) : undefined;
  }

  async list(filter: {
    state: PartyState;
    hostId?: string;
    limit: number;
    offset: number;
  }): Promise<Party[]> {
    const rows = await this.o.store.query<PartyRow>(
      `select * from parties where state = $1 and ($2::text is null or host_id = $2)
       order by created_at desc, id limit $3 offset $4`,
      [filter.state, filter.hostId ?? null, filter.limit, filter.offset],
    );
    return Promise.all(rows.map((r) => this.toParty(r)));
  }

  /**
   * Pauses or resumes a party (its host or an admin), or ends it for good. Sales already
   * created stay as they are; a paused or ended party creates no more.
   */
  async setState(actor: Principal, id: string, state: PartyState): Promise<Party> {
    const changed = await this.o.store.transaction(async (tx) => {
      const [row] = await tx.query<{ host_id: string; state: PartyState }>(
        'select host_id, state from parties where id = $1 for update',
        [id],
      );
      if (!row) throw new AppError('not_found', 'Party not found');
      authorize(manage(actor, row.host_id, 'this party'));
      if (row.state === state) return false;
      if (row.state === 'ended') throw new AppError('party_ended', 'This party has ended');
      await tx.query('update parties set state = $2, updated_at = now() where id = $1', [id, state]);
      await appendEvents(tx, [
        { type: 'party.state_changed', key: id, payload: { partyId: id, from: row.state, to: state } },
      ]);
      return true;
    });
    if (changed) this.o.onCommit();
    if (state === 'active') await this.scheduleOne(id);
    return (await this.get(id)) as Party;
  }

  /** Creates the sales of every active party's occurrences that are due (the scheduler's tick). */
  async scheduleDue(): Promise<number> {
    const rows = await this.o.store.query<PartyRow>(`select * from parties where state = 'active'`);
    let created = 0;
    for (const row of rows) {
      try {
        created += await this.schedule(row);
      } catch (e) {
        // One party's trouble (its product deleted, say) does not hold the others back.
        this.o.logger.warn({ err: toError(e), party: row.id }, 'party occurrence not scheduled');
      }
    }
    return created;
  }

  private async scheduleOne(id: string): Promise<void> {
    const [row] = await this.o.store.query<PartyRow>(
      `select * from parties where id = $1 and state = 'active'`,
      [id],
    );
    if (row) await this.schedule(row);
  }

  /**
   * Creates the sales of a party's occurrences that start within the scheduling horizon, or
   * that are on now. Idempotent, across nodes too: (party_id, starts_at) is unique.
   */
  private async schedule(row: PartyRow): Promise<number> {
    const now = this.o.clock.now();
    const duration = row.duration_minutes * 60_000;
    const ahead = Math.max(SCHEDULE_AHEAD_MS, (row.waiting_room?.opensBeforeSeconds ?? 0) * 1000 + 3_600_000);
    const from = Math.max(row.starts_on.getTime(), now - duration + 1);
    const to = Math.min(now + ahead, row.ends_on?.getTime() ?? Number.POSITIVE_INFINITY);
    if (!(to > from)) return 0;
    const starts = occurrencesBetween(row.recurrence, from, to);
    if (starts.length === 0) return 0;
    const existing = await this.o.store.query<{ starts_at: Date }>(
      'select starts_at from sales where party_id = $1 and starts_at >= $2',
      [row.id, new Date(starts[0] as number)],
    );
    const have = new Set(existing.map((e) => e.starts_at.getTime()));
    // The policy let the party's maker sell its items when it was made (sellSku, an admin any
    // host's); each occurrence repeats that decision. Asking again as a plain host refused every
    // occurrence of a party an admin made of a host's goods.
    const host: Principal = { id: row.host_id, role: 'admin', guest: false };
    let created = 0;
    for (const start of starts) {
      if (have.has(start)) continue;
      try {
        await this.o.sales.create(
          host,
          {
            title: row.title,
            startsAt: new Date(start).toISOString(),
            endsAt: new Date(start + duration).toISOString(),
            hashtags: row.hashtags,
            holdSeconds: row.hold_seconds,
            ...(row.waiting_room ? { waitingRoom: row.waiting_room } : {}),
            items: row.items,
          },
          { partyId: row.id },
        );
        created++;
      } catch (e) {
        // Another node created it at the same moment.
        if (pgCode(e) !== PG.uniqueViolation) throw e;
      }
    }
    return created;
  }

  private async toParty(row: PartyRow): Promise<Party> {
    const now = this.o.clock.now();
    const from = Math.max(now, row.starts_on.getTime());
    const to = Math.min(row.ends_on?.getTime() ?? Number.POSITIVE_INFINITY, from + LOOK_AHEAD_MS);
    const next =
      row.state === 'active' && to > from ? occurrencesBetween(row.recurrence, from, to, NEXT_SHOWN) : [];
    const sales = await this.o.sales.ofParty(row.id);
    return {
      id: row.id,
      hostId: row.host_id,
      title: row.title,
      description: row.description,
      hashtags: row.hashtags,
      recurrence: row.recurrence,
      durationMinutes: row.duration_minutes,
      holdSeconds: row.hold_seconds,
      waitingRoom: row.waiting_room,
      items: row.items,
      state: row.state,
      startsOn: row.starts_on.toISOString(),
      endsOn: row.ends_on?.toISOString() ?? null,
      nextOccurrences: next.map((at) => new Date(at).toISOString()),
      sales: sales.map((s) => ({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, status: s.status })),
      createdAt: row.created_at.toISOString(),
    };
  }
}
