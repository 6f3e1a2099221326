import type { LineDraw } from '../../domain/fair-draw.ts';
import type { AdmissionRecord, PacerState } from '../../domain/waiting-room.ts';
import type { Store } from '../../platform/store/store.ts';
import { WriteBatcher } from '../../platform/write-batcher.ts';
import { Fenwick } from './fenwick.ts';
import { holdsPlace, type QueueSettings, type QueueStore, type Ticket } from './queue-store.ts';

interface SaleQueue {
  readonly tickets: Map<string, Ticket>;
  readonly byBuyer: Map<string, string>;
  /** Tickets joined before the start, until the draw. */
  pre: string[];
  /** Every ticket ever placed in line, in order; `waiting` marks which still wait. */
  line: string[];
  /** Index of each ticket in `line`. */
  index: Map<string, number>;
  /** 1 at the line index of each ticket still waiting: positions are prefix sums, O(log n). */
  waiting: Fenwick;
  /** Everything before this index has left the line (admission works from the head). */
  head: number;
  /** Admitted tickets whose admission may still be active, with its end. */
  active: Map<string, number>;
  admittedTotal: number;
  opened: boolean;
  draw?: LineDraw | undefined;
  seen: Map<string, number>;
  admissions: AdmissionRecord[];
  settings: QueueSettings;
  pacer: PacerState | undefined;
  version: number;
  leader: { node: string; until: number } | undefined;
}

interface TicketRow {
  ticket_id: string;
  sale_id: string;
  buyer_id: string;
  state: Ticket['state'];
  pre_open: boolean;
  line_pos: number | null;
  joined_at: Date;
  admitted_at: Date | null;
  admission_expires_at: Date | null;
}

/**
 * The embedded queue: all in this process's memory (positions in O(log n), prefix sums of a
 * Fenwick tree of the tickets still waiting), with every ticket change written through to the
 * store, so that a restart keeps everybody's place. One process serves the queue: the embedded
 * store is one process too.
 */
export class MemoryQueueStore implements QueueStore {
  readonly kind = 'memory' as const;
  private readonly sales = new Map<string, SaleQueue>();
  private readonly usedChallenges = new Map<string, number>();

  /** Joins are persisted in group commits: one insert for every join of the moment. */
  private readonly inserts: WriteBatcher<{ t: Ticket; linePos: number | null }>;

  private constructor(private readonly store: Store) {
    this.inserts = new WriteBatcher(async (rows) => {
      await this.store.query(
        `insert into queue_tickets (ticket_id, sale_id, buyer_id, state, pre_open, line_pos, joined_at)
         select t, s, b, 'waiting', p, l, j
         from unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::int8[], $6::timestamptz[]) as x(t, s, b, p, l, j)`,
        [
          rows.map((r) => r.t.id),
          rows.map((r) => r.t.saleId),
          rows.map((r) => r.t.buyerId),
          rows.map((r) => r.t.preOpen),
          rows.map((r) => r.linePos),
          rows.map((r) => new Date(r.t.joinedAt)),
        ],
      );
    });
  }

  static async open(store: Store): Promise<MemoryQueueStore> {
    const q = new MemoryQueueStore(store);
    await q.load();
    return q;
  }

  private queue(saleId: string): SaleQueue {
    let q = this.sales.get(saleId);
    if (!q) {
      q = {
        tickets: new Map(),
        byBuyer: new Map(),
        pre: [],
        line: [],
        index: new Map(),
        waiting: new Fenwick(),
        head: 0,
        active: new Map(),
        admittedTotal: 0,
        opened: false,
        seen: new Map(),
        admissions: [],
        settings: { paused: false },
        pacer: undefined,
        version: 0,
        leader: undefined,
      };
      this.sales.set(saleId, q);
    }
    return q;
  }

  /** Restores tickets and settings after a restart; holders get a fresh grace period. */
  private async load(): Promise<void> {
    const now = Date.now();
    const rows = await this.store.query<TicketRow>(
      `select * from queue_tickets order by sale_id, line_pos nulls last, joined_at`,
    );
    for (const r of rows) {
      const q = this.queue(r.sale_id);
      const t: Ticket = {
        id: r.ticket_id,
        saleId: r.sale_id,
        buyerId: r.buyer_id,
        state: r.state,
        preOpen: r.pre_open,
        joinedAt: r.joined_at.getTime(),
        ...(r.admitted_at ? { admittedAt: r.admitted_at.getTime() } : {}),
        ...(r.admission_expires_at ? { admissionExpiresAt: r.admission_expires_at.getTime() } : {}),
      };
      q.tickets.set(t.id, t);
      // A buyer who joined again has several tickets; the newest is theirs.
      const prior = q.tickets.get(q.byBuyer.get(t.buyerId) ?? '');
      if (!prior || prior.joinedAt <= t.joinedAt) q.byBuyer.set(t.buyerId, t.id);
      q.seen.set(t.id, now);
      if (t.state === 'waiting') {
        if (r.line_pos === null) q.pre.push(t.id);
        else this.place(q, t.id);
      }
      if (t.admittedAt !== undefined) q.admittedTotal += 1;
      if (t.state === 'admitted') q.active.set(t.id, t.admissionExpiresAt ?? 0);
    }
    const settings = await this.store.query<{
      sale_id: string;
      admit_per_minute: number | null;
      paused: boolean;
      line_opened: boolean;
      draw: LineDraw | null;
    }>('select * from queue_settings');
    for (const s of settings) {
      const q = this.queue(s.sale_id);
      q.settings = {
        paused: s.paused,
        ...(s.admit_per_minute === null ? {} : { admitPerMinute: s.admit_per_minute }),
      };
      q.opened = s.line_opened;
      q.draw = s.draw ?? undefined;
    }
  }

  async join(candidate: Ticket): Promise<{ ticket: Ticket; created: boolean }> {
    const q = this.queue(candidate.saleId);
    const existingId = q.byBuyer.get(candidate.buyerId);
    const existing = existingId ? q.tickets.get(existingId) : undefined;
    if (existing && holdsPlace(existing, candidate.joinedAt)) return { ticket: existing, created: false };
    q.byBuyer.set(candidate.buyerId, candidate.id);
    q.tickets.set(candidate.id, candidate);
    q.seen.set(candidate.id, candidate.joinedAt);
    const linePos = candidate.preOpen ? null : q.line.length + 1_000_000_000;
    if (candidate.preOpen) q.pre.push(candidate.id);
    else this.place(q, candidate.id);
    this.moved(q);
    try {
      await this.inserts.add({ t: candidate, linePos });
    } catch (e) {
      q.byBuyer.delete(candidate.buyerId);
      q.tickets.delete(candidate.id);
      q.pre = q.pre.filter((id) => id !== candidate.id);
      this.unplace(q, candidate.id);
      throw e;
    }
    return { ticket: candidate, created: true };
  }

  async ticket(saleId: string, ticketId: string): Promise<Ticket | undefined> {
    return this.sales.get(saleId)?.tickets.get(ticketId);
  }

  async tickets(saleId: string, ticketIds: readonly string[]): Promise<Map<string, Ticket>> {
    const out = new Map<string, Ticket>();
    const all = this.sales.get(saleId)?.tickets;
    for (const id of ticketIds) {
      const t = all?.get(id);
      if (t) out.set(id, t);
    }
    return out;
  }

  async ticketOfBuyer(saleId: string, buyerId: string): Promise<Ticket | undefined> {
    const q = this.sales.get(saleId);
    const id = q?.byBuyer.get(buyerId);
    return id ? q?.tickets.get(id) : undefined;
  }

  async touch(saleId: string, ticketIds: readonly string[], now: number): Promise<void> {
    const q = this.sales.get(saleId);
    if (!q) return;
    for (const id of ticketIds) if (q.tickets.has(id)) q.seen.set(id, now);
  }

  private async setState(q: SaleQueue, t: Ticket, state: Ticket['state']): Promise<Ticket> {
    const next = { ...t, state };
    q.tickets.set(t.id, next);
    this.unplace(q, t.id);
    q.active.delete(t.id);
    this.moved(q);
    await this.inserts.settled();
    await this.store.query('update queue_tickets set state = $2 where ticket_id = $1', [t.id, state]);
    return next;
  }

  async leave(saleId: string, ticketId: string): Promise<Ticket | undefined> {
    const q = this.sales.get(saleId);
    const t = q?.tickets.get(ticketId);
    if (!q || !t) return undefined;
    if (t.state !== 'waiting' && t.state !== 'admitted') return t;
    q.pre = q.pre.filter((id) => id !== ticketId);
    return this.setState(q, t, 'left');
  }

  async finish(saleId: string, buyerId: string): Promise<void> {
    const q = this.sales.get(saleId);
    const id = q?.byBuyer.get(buyerId);
    const t = id ? q?.tickets.get(id) : undefined;
    if (q && t?.state === 'admitted') await this.setState(q, t, 'done');
  }

  private moved(q: SaleQueue): void {
    q.version += 1;
  }

  private place(q: SaleQueue, id: string): void {
    q.index.set(id, q.line.length);
    q.line.push(id);
    q.waiting.add(q.line.length - 1, 1);
  }

  /** The ticket no longer waits: its place is freed, everyone behind moves up. */
  private unplace(q: SaleQueue, id: string): void {
    const i = q.index.get(id);
    if (i === undefined) return;
    q.index.delete(id);
    q.waiting.add(i, -1);
  }

  async positions(saleId: string, ticketIds: readonly string[]): Promise<Map<string, number | undefined>> {
    const out = new Map<string, number | undefined>();
    const q = this.sales.get(saleId);
    if (!q) return out;
    for (const id of ticketIds) {
      const i = q.index.get(id);
      out.set(id, q.active.has(id) ? 0 : i === undefined ? undefined : q.waiting.prefix(i));
    }
    return out;
  }

  async counts(saleId: string, now: number) {
    const q = this.sales.get(saleId);
    if (!q) return { waiting: 0, preOpen: 0, admitted: 0, active: 0 };
    let active = 0;
    for (const until of q.active.values()) if (until > now) active += 1;
    return { waiting: q.waiting.total(), preOpen: q.pre.length, admitted: q.admittedTotal, active };
  }

  async lineVersion(saleId: string): Promise<number> {
    return this.sales.get(saleId)?.version ?? 0;
  }

  async settings(saleId: string): Promise<QueueSettings> {
    return this.sales.get(saleId)?.settings ?? { paused: false };
  }

  async updateSettings(saleId: string, patch: Partial<QueueSettings>): Promise<QueueSettings> {
    const q = this.queue(saleId);
    q.settings = { ...q.settings, ...patch };
    await this.store.query(
      `insert into queue_settings (sale_id, admit_per_minute, paused) values ($1, $2, $3)
       on conflict (sale_id) do update set admit_per_minute = excluded.admit_per_minute, paused = excluded.paused`,
      [saleId, q.settings.admitPerMinute ?? null, q.settings.paused],
    );
    return q.settings;
  }

  async admissions(saleId: string, since: number): Promise<AdmissionRecord[]> {
    const q = this.sales.get(saleId);
    if (!q) return [];
    q.admissions = q.admissions.filter((a) => a.at >= since - 120_000);
    return q.admissions.filter((a) => a.at >= since);
  }

  async spendChallenge(challengeId: string, expiresAt: number, now: number): Promise<boolean> {
    for (const [id, until] of this.usedChallenges) if (until <= now) this.usedChallenges.delete(id);
    if (this.usedChallenges.has(challengeId)) return false;
    this.usedChallenges.set(challengeId, expiresAt);
    return true;
  }

  async lead(saleId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    const q = this.queue(saleId);
    const now = Date.now();
    if (q.leader && q.leader.node !== nodeId && q.leader.until > now) return false;
    q.leader = { node: nodeId, until: now + ttlMs };
    return true;
  }

  async lineOpened(saleId: string): Promise<boolean> {
    return this.sales.get(saleId)?.opened ?? false;
  }

  async preOpenTickets(saleId: string): Promise<string[]> {
    const q = this.sales.get(saleId);
    return q ? q.pre.filter((id) => q.tickets.get(id)?.state === 'waiting') : [];
  }

  async lineDraw(saleId: string): Promise<LineDraw | undefined> {
    return this.sales.get(saleId)?.draw;
  }

  async openLine(saleId: string, order: readonly string[], draw?: LineDraw): Promise<void> {
    const q = this.queue(saleId);
    if (q.opened) return;
    q.opened = true;
    q.draw = draw;
    // The drawn block goes ahead of anyone who joined after the start: rebuild the line.
    const behind = q.line.slice(q.head).filter((id) => q.index.has(id));
    q.line = [];
    q.index = new Map();
    q.waiting = new Fenwick();
    q.head = 0;
    for (const id of [...order, ...behind]) this.place(q, id);
    q.pre = [];
    this.moved(q);
    await this.inserts.settled();
    await this.store.transaction(async (tx) => {
      await tx.query(
        `update queue_tickets t set line_pos = o.pos from unnest($1::text[]) with ordinality as o(id, pos) where t.ticket_id = o.id`,
        [order],
      );
      await tx.query(
        `insert into queue_settings (sale_id, line_opened, draw) values ($1, true, $2::jsonb)
         on conflict (sale_id) do update set line_opened = true, draw = excluded.draw`,
        [saleId, draw ? JSON.stringify(draw) : null],
      );
    });
  }

  async nextWaiting(saleId: string, n: number, seenSince: number): Promise<string[]> {
    const q = this.sales.get(saleId);
    if (!q || n <= 0) return [];
    const out: string[] = [];
    const abandoned: string[] = [];
    while (q.head < q.line.length && !q.index.has(q.line[q.head] as string)) q.head += 1;
    for (let i = q.head; i < q.line.length && out.length < n; i++) {
      const id = q.line[i] as string;
      if (!q.index.has(id)) continue;
      if ((q.seen.get(id) ?? 0) < seenSince) abandoned.push(id);
      else out.push(id);
    }
    for (const id of abandoned) await this.setState(q, q.tickets.get(id) as Ticket, 'abandoned');
    return out;
  }

  async admit(saleId: string, ticketIds: readonly string[], now: number, expiresAt: number): Promise<void> {
    const q = this.sales.get(saleId);
    if (!q || ticketIds.length === 0) return;
    for (const id of ticketIds) {
      const t = q.tickets.get(id);
      if (t?.state !== 'waiting') continue;
      q.tickets.set(id, { ...t, state: 'admitted', admittedAt: now, admissionExpiresAt: expiresAt });
      this.unplace(q, id);
      q.active.set(id, expiresAt);
      q.admittedTotal += 1;
    }
    q.admissions.push({ at: now, count: ticketIds.length });
    this.moved(q);
    // Wait for the group commit inserting these tickets: else an admission updated no row (lost).
    await this.inserts.settled();
    await this.store.query(
      `update queue_tickets set state = 'admitted', admitted_at = $2, admission_expires_at = $3 where ticket_id = any($1)`,
      [ticketIds, new Date(now), new Date(expiresAt)],
    );
  }

  async pacer(saleId: string): Promise<PacerState | undefined> {
    return this.sales.get(saleId)?.pacer;
  }

  async savePacer(saleId: string, state: PacerState): Promise<void> {
    this.queue(saleId).pacer = state;
  }

  async close(): Promise<void> {}
}
