import type { LineDraw } from '../../domain/fair-draw.ts';
import type { AdmissionRecord, PacerState } from '../../domain/waiting-room.ts';

export const TICKET_STATES = ['waiting', 'admitted', 'left', 'abandoned', 'done'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export interface Ticket {
  readonly id: string;
  readonly saleId: string;
  readonly buyerId: string;
  readonly state: TicketState;
  /** Joined before the sale started: part of the block drawn in random order at the start. */
  readonly preOpen: boolean;
  readonly joinedAt: number;
  readonly admittedAt?: number;
  readonly admissionExpiresAt?: number;
}

/**
 * Whether a buyer's ticket still holds a place: waiting, or admitted with time left. A buyer whose
 * ticket left, lapsed (abandoned) or whose turn expired may join again, at the back.
 */
export function holdsPlace(t: Ticket, now: number): boolean {
  return t.state === 'waiting' || (t.state === 'admitted' && (t.admissionExpiresAt ?? 0) > now);
}

export interface QueueSettings {
  /** The host's live override of the configured rate. */
  readonly admitPerMinute?: number;
  readonly paused: boolean;
}

/**
 * The waiting room's state port. Embedded: this process's memory, tickets persisted to the store.
 * Scale-out: Redis, shared by every node (one queue, one pace). Both pass one contract suite
 * (test/integration/queue-store-contract.test.ts).
 *
 * Operations marked (leader) are only called by the node that holds the sale's admission lease,
 * so admissions are never doubled.
 */
export interface QueueStore {
  readonly kind: 'memory' | 'redis';
  /**
   * The buyer's ticket: the one they have if it still holds a place (see holdsPlace), else
   * `candidate`, at the back of the line.
   */
  join(candidate: Ticket): Promise<{ ticket: Ticket; created: boolean }>;
  ticket(saleId: string, ticketId: string): Promise<Ticket | undefined>;
  /** Many tickets in one round trip (the queue channels refresh thousands at once); unknown ids are absent. */
  tickets(saleId: string, ticketIds: readonly string[]): Promise<Map<string, Ticket>>;
  ticketOfBuyer(saleId: string, buyerId: string): Promise<Ticket | undefined>;
  /** The holder is still here (a poll, an open socket). */
  touch(saleId: string, ticketIds: readonly string[], now: number): Promise<void>;
  /** Leaves the line, or ends an admission (frees an active slot): state `left`. */
  leave(saleId: string, ticketId: string): Promise<Ticket | undefined>;
  /** The buyer checked out: their admission stops counting as active. */
  finish(saleId: string, buyerId: string): Promise<void>;
  /** 1-based places among the tickets still waiting (0 once admitted, undefined otherwise). */
  positions(saleId: string, ticketIds: readonly string[]): Promise<Map<string, number | undefined>>;
  counts(
    saleId: string,
    now: number,
  ): Promise<{ waiting: number; preOpen: number; admitted: number; active: number }>;
  /** Changes whenever positions may have changed (admissions, departures, the draw). */
  lineVersion(saleId: string): Promise<number>;
  settings(saleId: string): Promise<QueueSettings>;
  updateSettings(saleId: string, patch: Partial<QueueSettings>): Promise<QueueSettings>;
  admissions(saleId: string, since: number): Promise<AdmissionRecord[]>;
  /** Records a proof-of-work challenge as used; false when it was used before. */
  spendChallenge(challengeId: string, expiresAt: number, now: number): Promise<boolean>;

  /** Takes or renews the sale's admission lease for `ttlMs`; true when this node leads. */
  lead(saleId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  /** (leader) Whether the pre-open block has been drawn into the line. */
  lineOpened(saleId: string): Promise<boolean>;
  /** (leader) The pre-open tickets, to draw. */
  preOpenTickets(saleId: string): Promise<string[]>;
  /**
   * (leader) Puts the drawn block at the head of the line, once, and keeps the published record
   * of a committed draw (`draw`, domain/fair-draw.ts) when there is one.
   */
  openLine(saleId: string, order: readonly string[], draw?: LineDraw): Promise<void>;
  /** The record of the sale's committed pre-open draw, once the line opened. */
  lineDraw(saleId: string): Promise<LineDraw | undefined>;
  /**
   * (leader) The next `n` tickets in line whose holders are still here; tickets whose holder was
   * last seen before `seenSince` are marked abandoned and skipped.
   */
  nextWaiting(saleId: string, n: number, seenSince: number): Promise<string[]>;
  /** (leader) Admits these tickets until `expiresAt`. */
  admit(saleId: string, ticketIds: readonly string[], now: number, expiresAt: number): Promise<void>;
  pacer(saleId: string): Promise<PacerState | undefined>;
  savePacer(saleId: string, state: PacerState): Promise<void>;
  close(): Promise<void>;
}

/** What a ticket holder sees of their place. */
export interface QueueStatus {
  readonly ticket: string;
  readonly saleId: string;
  readonly state: Ticket['state'];
  /** 1-based place among those still waiting; 0 once admitted; null before the draw or when gone. */
  readonly position: number | null;
  readonly etaSeconds: number | null;
  readonly preOpen: boolean;
  readonly saleStartsAt: string;
  readonly paused: boolean;
  readonly admissionToken?: string;
  readonly admissionExpiresAt?: string;
}
