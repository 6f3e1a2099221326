/**
 * Recurring sale events ("parties") as pure math: a party starts at a fixed local wall-clock
 * time in an IANA time zone, every day or on chosen weekdays, and these functions turn that rule
 * into UTC start instants. No I/O and no clock: every time is an epoch-millisecond parameter.
 * Only `Intl.DateTimeFormat` is used to learn a zone's offsets, so daylight-saving changes,
 * southern-hemisphere zones and 30/45-minute offsets follow the runtime's tz database.
 */

export const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Recurrence {
  readonly frequency: (typeof FREQUENCIES)[number];
  /** weekly: the days it runs, 0 = Sunday … 6 = Saturday (local to timeZone); ignored for daily. */
  readonly weekdays?: readonly number[];
  /** Local wall-clock start time, 'HH:MM' 24-hour (00:00–23:59). */
  readonly time: string;
  /** IANA time zone, e.g. 'Europe/Paris', 'America/New_York', 'UTC'. */
  readonly timeZone: string;
}

/** How far `nextOccurrence` looks ahead. */
export const NEXT_OCCURRENCE_HORIZON_DAYS = 400;
/** The most start instants `occurrencesBetween` returns unless told otherwise. */
export const DEFAULT_OCCURRENCE_LIMIT = 1000;

const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const MS_PER_SECOND = 1000;
const MS_PER_DAY = 86_400_000;
// The caches are keyed by caller-supplied input; a bound keeps junk from growing them forever.
const MAX_CACHED_ZONES = 1000;
// A scheduler asks for the same few days of the same parties every tick: remember the answers.
const MAX_CACHED_STARTS = 10_000;

// ---------------------------------------------------------------------------------------------
// Zones

const zoneValidity = new Map<string, boolean>();
const formatters = new Map<string, Intl.DateTimeFormat>();
const starts = new Map<string, number>();

function remember<V>(cache: Map<string, V>, key: string, value: V, max = MAX_CACHED_ZONES): V {
  if (cache.size >= max) cache.clear();
  cache.set(key, value);
  return value;
}

/** Whether Intl knows this IANA zone name. */
export function isTimeZone(name: string): boolean {
  if (typeof name !== 'string' || name === '') return false;
  const known = zoneValidity.get(name);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    valid = true;
  } catch {
    valid = false;
  }
  return remember(zoneValidity, name, valid);
}

/** The one formatter per zone that reads an instant's local wall clock (24-hour, to the second). */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  return (
    formatters.get(timeZone) ??
    remember(
      formatters,
      timeZone,
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
    )
  );
}

/** `Date.UTC`, except that years 0–99 mean those years rather than 1900–1999. */
function utcFields(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year >= 0 && year < 100) {
    const d = new Date(0);
    d.setUTCFullYear(year, monthIndex, day);
    d.setUTCHours(hour, minute, second, 0);
    return d.getTime();
  }
  return Date.UTC(year, monthIndex, day, hour, minute, second);
}

/**
 * The local wall clock in `timeZone` at `instant`, to the second, written as if it were a UTC
 * instant: the "local milliseconds". Local milliseconds minus the instant is the zone's offset.
 */
function wallClockAt(instant: number, timeZone: string): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        // Some ICU versions write midnight as 24 even in h23.
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  return utcFields(year, month - 1, day, hour, minute, second);
}

/** The zone's UTC offset in ms at `instant` (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  // The formatter drops milliseconds, so compare with the instant truncated to its second.
  const wholeSecond = Math.floor(instant / MS_PER_SECOND) * MS_PER_SECOND;
  return wallClockAt(instant, timeZone) - wholeSecond;
}

/**
 * UTC epoch ms of a local wall-clock time in a zone. Local times skipped by a DST gap move
 * forward by the gap (02:30 on a spring-forward night is 03:30 local); times repeated by a
 * fall-back overlap take the earlier instant (as Temporal's 'compatible' disambiguation).
 * Out-of-range fields roll over as in `Date.UTC` (month 13 is January of the next year).
 */
export function zonedTimeToUtc(
  year: number,
  month: number /* 1-12 */,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const local = utcFields(year, month - 1, day, hour, minute);
  const key = `${timeZone} ${local}`;
  return starts.get(key) ?? remember(starts, key, resolveWallClock(local, timeZone), MAX_CACHED_STARTS);
}

/** See `zonedTimeToUtc`; `local` is the wall clock written as a UTC instant. */
function resolveWallClock(local: number, timeZone: string): number {
  // Fixed point: read the offset near the answer, apply it, and check by formatting back.
  const firstOffset = offsetAt(local, timeZone);
  let found = local - firstOffset;
  const seen = wallClockAt(found, timeZone);
  if (seen !== local) {
    // `found` is a whole second (so are offsets), so this is the offset at `found`.
    const secondOffset = seen - found;
    found = local - secondOffset;
    if (wallClockAt(found, timeZone) !== local) {
      // No instant shows this wall clock: it is in a gap. Offsets grow across a gap, so the
      // smaller one is the offset before it, and applying that moves the time forward by the gap.
      return local - Math.min(firstOffset, secondOffset);
    }
  }
  // An overlap has a second, earlier instant with the offset in force before the change.
  const earlierOffset = offsetAt(found - MS_PER_DAY, timeZone);
  const earlier = local - earlierOffset;
  if (earlier < found && wallClockAt(earlier, timeZone) === local) return earlier;
  return found;
}

// ---------------------------------------------------------------------------------------------
// Validation

/** The first problem with a recurrence as a short English sentence, or undefined when it is valid. */
export function recurrenceProblem(r: Recurrence): string | undefined {
  if (!(FREQUENCIES as readonly string[]).includes(r.frequency)) {
    return `Frequency must be one of ${FREQUENCIES.join(', ')}.`;
  }
  if (typeof r.time !== 'string' || !TIME_PATTERN.test(r.time)) {
    return 'Time must be HH:MM on a 24-hour clock, from 00:00 to 23:59.';
  }
  if (!isTimeZone(r.timeZone)) return 'Time zone must be a known IANA zone, such as Europe/Paris.';
  if (r.frequency === 'weekly') {
    const days = r.weekdays;
    if (!Array.isArray(days) || days.length === 0) return 'A weekly recurrence needs at least one weekday.';
    if (!days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) {
      return 'Weekdays must be whole numbers from 0 (Sunday) to 6 (Saturday).';
    }
    if (new Set(days).size !== days.length) return 'Weekdays must not repeat.';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Occurrences

/** The UTC midnight of the local calendar date in `timeZone` at `instant`. */
function localDateAt(instant: number, timeZone: string): number {
  const local = wallClockAt(instant, timeZone);
  return local - (((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
}

/**
 * Start instants (UTC epoch ms), ascending, with from <= start < to; at most `limit` (default 1000).
 * Walks the local calendar dates in the zone from the day before `from`'s to the day after `to`'s
 * (an instant's local date can differ from its UTC date by up to a day). A local date wiped out
 * by a zone change (Pacific/Apia skipped 2011-12-30) would shift onto the next day's start; it is
 * dropped rather than repeated. Throws a RangeError for a non-finite `from` or `to`.
 */
export function occurrencesBetween(
  r: Recurrence,
  from: number,
  to: number,
  limit: number = DEFAULT_OCCURRENCE_LIMIT,
): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new RangeError(`occurrencesBetween needs finite instants, got ${from} and ${to}`);
  }
  const out: number[] = [];
  if (!(to > from) || !(limit > 0)) return out;
  const hour = Number(r.time.slice(0, 2));
  const minute = Number(r.time.slice(3, 5));
  const weekdays = r.frequency === 'weekly' ? new Set(r.weekdays) : undefined;
  const first = localDateAt(from, r.timeZone) - MS_PER_DAY;
  const last = localDateAt(to, r.timeZone) + MS_PER_DAY;
  // Stepping a UTC midnight by whole days is Date.UTC(y, m - 1, d + k) arithmetic: UTC has no DST.
  for (let date = first; date <= last; date += MS_PER_DAY) {
    const d = new Date(date);
    if (weekdays && !weekdays.has(d.getUTCDay())) continue;
    const start = zonedTimeToUtc(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      hour,
      minute,
      r.timeZone,
    );
    // Starts only grow with the date, so the first one at or past `to` ends the walk.
    if (start >= to) break;
    if (start < from || start <= (out[out.length - 1] ?? Number.NEGATIVE_INFINITY)) continue;
    out.push(start);
    if (out.length >= limit) break;
  }
  return out;
}

/** The first start instant >= from, or undefined if none within 400 days. */
export function nextOccurrence(r: Recurrence, from: number): number | undefined {
  return occurrencesBetween(r, from, from + NEXT_OCCURRENCE_HORIZON_DAYS * MS_PER_DAY, 1)[0];
}
