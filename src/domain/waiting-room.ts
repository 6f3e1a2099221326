/**
 * The waiting room ("velvet rope") as pure math: when the queue opens, the fair order of the
 * line, admission pacing (a token bucket), the observed admission rate, positions and ETAs.
 * No I/O and no clock: every time is an epoch-millisecond parameter. The in-memory and Redis
 * adapters keep the state and call these functions (DESIGN.md, "Waiting room").
 */
import { randomInt as cryptoRandomInt } from 'node:crypto';
import type { SaleTiming } from './sale-status.ts';

/** A ticket whose holder has not polled or been connected for this long is skipped. */
export const DEFAULT_ABANDON_AFTER_SECONDS = 300;
/** The window the admission rate is observed over, for ETAs. */
export const DEFAULT_OBSERVE_WINDOW_SECONDS = 60;
/** Below this much observation (and fewer than 2 admissions) the ETA uses the configured rate. */
export const MIN_OBSERVATION_SECONDS = 10;
export const MIN_OBSERVED_ADMISSIONS = 2;

const MS_PER_MINUTE = 60_000;
// Guards `floor` against float drift: 0.1 + 0.2 + 0.7 is 0.9999999999999999, not 1.
const CREDIT_EPSILON = 1e-9;

// ---------------------------------------------------------------------------------------------
// Opening

/** The queue opens `opensBeforeSeconds` before the sale starts. */
export function queueOpensAt(saleStartsAt: number, opensBeforeSeconds: number): number {
  return saleStartsAt - opensBeforeSeconds * 1000;
}

/** Buyers may join from `queueOpensAt` until the sale ends (a queue for an ended sale admits nobody). */
export function isQueueOpen(sale: SaleTiming, opensBeforeSeconds: number, now: number): boolean {
  return now >= queueOpensAt(sale.startsAt, opensBeforeSeconds) && now < sale.endsAt;
}

/**
 * Whether a join belongs to the pre-open block that is shuffled when the sale starts. Joining
 * at or after the start is a FIFO arrival behind that block.
 */
export function isPreOpenJoin(joinedAt: number, saleStartsAt: number): boolean {
  return joinedAt < saleStartsAt;
}

// ---------------------------------------------------------------------------------------------
// Fair order

/** Returns an integer in [0, maxExclusive). Same contract as `crypto.randomInt(max)`. */
export type RandomInt = (maxExclusive: number) => number;

const cryptoRandom: RandomInt = (maxExclusive) => cryptoRandomInt(maxExclusive);

/**
 * Uniformly random order of the pre-open joiners (Fisher–Yates, Knuth vol. 2 §3.4.2). The
 * default RNG is the CSPRNG so the order cannot be predicted: arriving early gives no edge over
 * arriving on time. Returns a new array; the input is untouched. Adapters shuffle once, when
 * the sale starts, and store the result: calling this again deals a new order.
 */
export function fairOrder(
  preOpenTicketIds: readonly string[],
  randomInt: RandomInt = cryptoRandom,
): string[] {
  const out = [...preOpenTicketIds];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    // An RNG that answers outside [0, i] would silently bias or corrupt the order.
    if (!Number.isInteger(j) || j < 0 || j > i) throw new RangeError(`randomInt(${i + 1}) returned ${j}`);
    const a = out[i] as string;
    out[i] = out[j] as string;
    out[j] = a;
  }
  return out;
}

export interface QueueEntry {
  readonly ticketId: string;
  readonly joinedAt: number;
}

/**
 * The whole line: the pre-open block in a fair random order, then later arrivals first come,
 * first served (by `joinedAt`; equal times keep the order given, which is arrival order).
 */
export function lineOrder(
  entries: readonly QueueEntry[],
  saleStartsAt: number,
  randomInt: RandomInt = cryptoRandom,
): string[] {
  const early = entries.filter((e) => isPreOpenJoin(e.joinedAt, saleStartsAt)).map((e) => e.ticketId);
  // Array.prototype.sort is stable (ES2019), so ties stay in arrival order.
  const late = entries
    .filter((e) => !isPreOpenJoin(e.joinedAt, saleStartsAt))
    .sort((a, b) => a.joinedAt - b.joinedAt)
    .map((e) => e.ticketId);
  return [...fairOrder(early, randomInt), ...late];
}

// ---------------------------------------------------------------------------------------------
// Admission pacing: a token bucket

export interface PacerState {
  /** Admissions earned and not yet used; fractional between ticks. */
  readonly credit: number;
  readonly lastRefillAt: number;
  /** Paused by the host: no credit accrues and nobody is admitted. */
  readonly paused: boolean;
}

/**
 * An empty bucket when admission starts (the sale's start): the first admission comes one
 * interval later, so the rate from the first second on is exactly the configured one and an
 * early ETA is not skewed by a head start.
 */
export function startPacer(now: number): PacerState {
  return { credit: 0, lastRefillAt: now, paused: false };
}

/**
 * The most credit the bucket holds: one second's worth of admissions, plus one. Credit piles up
 * only while nobody can be admitted (line empty, `maxActive` reached), and when room appears it
 * must not go out as a flood: the rule is "advance at `admitPerMinute`", not "catch up". The +1
 * lets rates under 60/min still reach a whole admission. It also means the admission loop must
 * tick at least once a second: a slower tick loses credit to the cap and under-admits.
 */
export function burstCapFor(admitPerMinute: number): number {
  return admitPerMinute / 60 + 1;
}

/**
 * Adds the credit earned since the last refill at `admitPerMinute`, capped at `burstCap`.
 * Paused: time passes, no credit. A `now` earlier than the last refill (clocks of two nodes
 * disagree) adds nothing and does not move time back. On a live rate change, refill with the
 * old rate at the moment of the change, then use the new one.
 */
export function refill(
  state: PacerState,
  admitPerMinute: number,
  now: number,
  burstCap: number = burstCapFor(admitPerMinute),
): PacerState {
  const elapsed = Math.max(0, now - state.lastRefillAt);
  const lastRefillAt = Math.max(state.lastRefillAt, now);
  if (state.paused) return { ...state, lastRefillAt };
  const credit = Math.min(burstCap, state.credit + (elapsed * Math.max(0, admitPerMinute)) / MS_PER_MINUTE);
  return { credit, lastRefillAt, paused: false };
}

export interface Occupancy {
  /** Shoppers holding a valid, unexpired admission who have not checked out or left. */
  readonly activeCount: number;
  /** `Infinity` for no limit. */
  readonly maxActive: number;
  /** Tickets still waiting (neither admitted nor abandoned). */
  readonly waiting: number;
}

/** How many tickets may be admitted now: credit, room under `maxActive`, and the line all bound it. */
export function admissible(state: PacerState, occupancy: Occupancy): number {
  if (state.paused) return 0;
  const room = occupancy.maxActive - occupancy.activeCount;
  const n = Math.min(Math.floor(state.credit + CREDIT_EPSILON), room, occupancy.waiting);
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0;
}

/** Spends credit for `n` admissions. More than the credit is a bug in the caller, so it throws. */
export function consume(state: PacerState, n: number): PacerState {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`cannot consume ${n} admissions`);
  if (n > Math.floor(state.credit + CREDIT_EPSILON)) {
    throw new RangeError(`cannot consume ${n} admissions with ${state.credit} credit`);
  }
  return { ...state, credit: Math.max(0, state.credit - n) };
}

/** Pausing first books the credit earned up to `now`; none accrues until `resume`. */
export function pause(state: PacerState, admitPerMinute: number, now: number): PacerState {
  return { ...refill(state, admitPerMinute, now), paused: true };
}

/** Resuming starts earning from `now`: the paused time earns nothing. */
export function resume(state: PacerState, now: number): PacerState {
  return { credit: state.credit, lastRefillAt: Math.max(state.lastRefillAt, now), paused: false };
}

export interface TickInput extends Occupancy {
  readonly admitPerMinute: number;
  readonly now: number;
}

/** One admission tick: refill, decide how many to admit, spend the credit. */
export function admissionTick(state: PacerState, input: TickInput): { state: PacerState; admit: number } {
  const filled = refill(state, input.admitPerMinute, input.now);
  const admit = admissible(filled, input);
  return { state: consume(filled, admit), admit };
}

// ---------------------------------------------------------------------------------------------
// Active shoppers

/** An admission token is valid for `admissionTtlSeconds` from the moment it is granted. */
export function admissionExpiresAt(admittedAt: number, admissionTtlSeconds: number): number {
  return admittedAt + admissionTtlSeconds * 1000;
}

export interface Admission {
  readonly expiresAt: number;
  /** When the shopper checked out or left; absent while still shopping. */
  readonly endedAt?: number | undefined;
}

/** Active = holds a valid, unexpired admission and has not checked out or left. */
export function isActive(admission: Admission, now: number): boolean {
  return now < admission.expiresAt && (admission.endedAt === undefined || now < admission.endedAt);
}

// ---------------------------------------------------------------------------------------------
// Abandonment and positions

/** Gone: no poll and no open connection for `abandonAfterSeconds`. */
export function isAbandoned(
  lastSeenAt: number,
  now: number,
  abandonAfterSeconds: number = DEFAULT_ABANDON_AFTER_SECONDS,
): boolean {
  return now - lastSeenAt >= abandonAfterSeconds * 1000;
}

/**
 * 1-based place among the tickets still waiting (admitted and abandoned ones are skipped),
 * 0 once admitted, undefined for an unknown or abandoned ticket. O(n) in the line length: the
 * adapters keep an index (ticket → rank, plus a count of skipped tickets ahead) and only use
 * this as the reference definition and for small lines.
 */
export function positionOf(
  orderedTicketIds: readonly string[],
  ticketId: string,
  admitted: ReadonlySet<string>,
  abandoned: ReadonlySet<string>,
): number | undefined {
  if (admitted.has(ticketId)) return 0;
  if (abandoned.has(ticketId)) return undefined;
  let place = 0;
  for (const id of orderedTicketIds) {
    if (admitted.has(id) || abandoned.has(id)) continue;
    place++;
    if (id === ticketId) return place;
  }
  return undefined;
}

/** The next `count` tickets to admit, in line order, skipping admitted and abandoned ones. */
export function nextToAdmit(
  orderedTicketIds: readonly string[],
  count: number,
  admitted: ReadonlySet<string>,
  abandoned: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const id of orderedTicketIds) {
    if (out.length >= count) break;
    if (!admitted.has(id) && !abandoned.has(id)) out.push(id);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Observed rate and ETA

export interface AdmissionRecord {
  readonly at: number;
  readonly count: number;
}

export interface ObserveInput {
  readonly records: readonly AdmissionRecord[];
  /** When observation began: admission start, or the last resume or rate change. */
  readonly startedAt: number;
  readonly now: number;
  readonly windowSeconds?: number;
}

/**
 * Admissions per minute over the last `windowSeconds` (or since `startedAt` if shorter), or
 * undefined while there is too little data to trust: fewer than 2 admissions and less than
 * 10 s of observation. A pure function so the Redis adapter can feed it stored counts.
 */
export function observedRate(input: ObserveInput): number | undefined {
  const windowMs = (input.windowSeconds ?? DEFAULT_OBSERVE_WINDOW_SECONDS) * 1000;
  const from = Math.max(input.startedAt, input.now - windowMs);
  const spanMs = input.now - from;
  let admissions = 0;
  for (const r of input.records) {
    if (r.at >= input.startedAt && r.at > input.now - windowMs && r.at <= input.now) admissions += r.count;
  }
  const enough = admissions >= MIN_OBSERVED_ADMISSIONS || spanMs >= MIN_OBSERVATION_SECONDS * 1000;
  if (!enough || spanMs <= 0) return undefined;
  return (admissions * MS_PER_MINUTE) / spanMs;
}

/**
 * Remembers admissions (with explicit times) to measure the rate actually achieved, which is
 * what ETAs use: `maxActive` and abandoned tickets make it differ from the configured rate.
 * After a resume or a rate change, start a new observer so the estimate follows the new regime.
 */
export class RateObserver {
  private records: AdmissionRecord[] = [];
  private head = 0;
  private readonly retainMs: number;

  constructor(
    readonly startedAt: number,
    retainSeconds: number = DEFAULT_OBSERVE_WINDOW_SECONDS,
  ) {
    this.retainMs = retainSeconds * 1000;
  }

  record(at: number, count = 1): void {
    if (count <= 0) return;
    this.records.push({ at, count });
    // Bounded memory: records before `head` are older than any window up to `retainSeconds` can
    // see; they are cut in one slice once they are half the array, so recording is O(1) amortised.
    const horizon = at - this.retainMs;
    while ((this.records[this.head]?.at ?? horizon) < horizon) this.head++;
    if (this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  /** Records kept: bounded by the retention, whatever the sale's length. */
  get size(): number {
    return this.records.length;
  }

  /** See `observedRate`; `windowSeconds` should not exceed the retention given at construction. */
  observedPerMinute(now: number, windowSeconds: number = DEFAULT_OBSERVE_WINDOW_SECONDS): number | undefined {
    return observedRate({ records: this.records, startedAt: this.startedAt, now, windowSeconds });
  }
}

export interface EtaRates {
  /** From `observedRate`; undefined when there is not enough data yet. */
  readonly observedPerMinute: number | undefined;
  readonly configuredPerMinute: number;
  readonly paused: boolean;
}

/**
 * Seconds until the ticket at `position` is admitted: position / rate, rounded up. 0 once
 * admitted. null when no honest estimate exists: admission is paused, or the rate in use is 0
 * (nobody admitted over the whole window, e.g. `maxActive` full). Uses the observed rate when
 * there is one, else the configured rate.
 */
export function etaSeconds(position: number, rates: EtaRates): number | null {
  if (position <= 0) return 0;
  if (rates.paused) return null;
  const perMinute = rates.observedPerMinute ?? rates.configuredPerMinute;
  if (!(perMinute > 0)) return null;
  return Math.ceil((position * 60) / perMinute);
}
