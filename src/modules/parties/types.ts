import type { Recurrence } from '../../domain/recurrence.ts';
import type { SaleStatus } from '../../domain/sale-status.ts';
import type { NewSale, WaitingRoomConfig } from '../sales/index.ts';

export const PARTY_STATES = ['active', 'paused', 'ended'] as const;
export type PartyState = (typeof PARTY_STATES)[number];

/** A party's recurrence as stored and answered (JSON: a plain array of weekdays). */
export type PartyRecurrence = Omit<Recurrence, 'weekdays'> & { weekdays?: number[] };

/** One of a party's sales (an occurrence), as the party lists it. */
export interface PartySale {
  readonly id: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: SaleStatus;
}

/**
 * A party: a themed sale event at a fixed local time, every day or on chosen weekdays. Each
 * occurrence is an ordinary sale (with `partyId`), created by the scheduler ahead of its start.
 */
export interface Party {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly description: string;
  readonly hashtags: string[];
  readonly recurrence: PartyRecurrence;
  readonly durationMinutes: number;
  readonly holdSeconds: number;
  readonly waitingRoom: WaitingRoomConfig | null;
  readonly items: NewSale['items'];
  readonly state: PartyState;
  readonly startsOn: string;
  readonly endsOn: string | null;
  /** The next start times (up to 5) while the party is active. */
  readonly nextOccurrences: string[];
  /** Its sales that have not ended yet (the one on now, and those scheduled), by start time. */
  readonly sales: PartySale[];
  readonly createdAt: string;
}

export interface NewParty {
  title: string;
  description?: string;
  hashtags?: string[];
  recurrence: Recurrence;
  durationMinutes: number;
  holdSeconds?: number;
  waitingRoom?: WaitingRoomConfig;
  items: NewSale['items'];
  startsOn?: string;
  endsOn?: string;
}
