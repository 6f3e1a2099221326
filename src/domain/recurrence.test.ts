import { describe, expect, it } from 'vitest';
import {
  FREQUENCIES,
  isTimeZone,
  nextOccurrence,
  occurrencesBetween,
  type Recurrence,
  recurrenceProblem,
  zonedTimeToUtc,
} from './recurrence.ts';

// Every expected instant below was computed independently with Python's zoneinfo (fold=0, which
// is the earlier instant in an overlap and the pre-transition offset in a gap) and cross-checked
// by formatting back with Intl.DateTimeFormat.

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const iso = (instants: readonly number[]) => instants.map((x) => new Date(x).toISOString());

/** The local wall clock of an instant, as 'YYYY-MM-DD HH:MM', read with a fresh formatter. */
function localClock(instant: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

describe('recurrence zones', () => {
  it('zones - isTimeZone knows IANA names and refuses others', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Kathmandu')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('Europe/Pariss')).toBe(false);
    // Cached answers stay the same.
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('Europe/Paris')).toBe(true);
  });
});

describe('recurrence zonedTimeToUtc', () => {
  it('zonedTimeToUtc - ordinary times in UTC, Paris winter and summer, New York', () => {
    expect(new Date(zonedTimeToUtc(2026, 1, 1, 9, 0, 'UTC')).toISOString()).toBe('2026-01-01T09:00:00.000Z');
    expect(new Date(zonedTimeToUtc(2026, 3, 27, 20, 0, 'Europe/Paris')).toISOString()).toBe(
      '2026-03-27T19:00:00.000Z',
    );
    expect(new Date(zonedTimeToUtc(2026, 7, 14, 20, 0, 'Europe/Paris')).toISOString()).toBe(
      '2026-07-14T18:00:00.000Z',
    );
    expect(new Date(zonedTimeToUtc(2026, 3, 2, 10, 0, 'America/New_York')).toISOString()).toBe(
      '2026-03-02T15:00:00.000Z',
    );
  });

  it('zonedTimeToUtc - a time skipped by spring-forward moves forward by the gap', () => {
    // Paris jumps 02:00 → 03:00 on 2026-03-29: 02:30 does not exist and becomes 03:30 CEST.
    const paris = zonedTimeToUtc(2026, 3, 29, 2, 30, 'Europe/Paris');
    expect(new Date(paris).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(localClock(paris, 'Europe/Paris')).toBe('2026-03-29 03:30');
    // New York jumps 02:00 → 03:00 on 2026-03-08 (a zone west of Greenwich).
    const newYork = zonedTimeToUtc(2026, 3, 8, 2, 30, 'America/New_York');
    expect(new Date(newYork).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(localClock(newYork, 'America/New_York')).toBe('2026-03-08 03:30');
    // The edges of the gap: 01:59 is still winter time, 03:00 is already summer time.
    expect(new Date(zonedTimeToUtc(2026, 3, 29, 1, 59, 'Europe/Paris')).toISOString()).toBe(
      '2026-03-29T00:59:00.000Z',
    );
    expect(new Date(zonedTimeToUtc(2026, 3, 29, 3, 0, 'Europe/Paris')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('zonedTimeToUtc - a time repeated by fall-back takes the earlier instant', () => {
    // Paris goes 03:00 → 02:00 on 2026-10-25: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
    const paris = zonedTimeToUtc(2026, 10, 25, 2, 30, 'Europe/Paris');
    expect(new Date(paris).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(localClock(paris, 'Europe/Paris')).toBe('2026-10-25 02:30');
    expect(localClock(paris + 3_600_000, 'Europe/Paris')).toBe('2026-10-25 02:30');
    // New York goes 02:00 → 01:00 on 2026-11-01: 01:30 EDT (05:30Z), not 01:30 EST (06:30Z).
    expect(new Date(zonedTimeToUtc(2026, 11, 1, 1, 30, 'America/New_York')).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    // Just after the repeated hour, only one instant exists.
    expect(new Date(zonedTimeToUtc(2026, 10, 25, 3, 0, 'Europe/Paris')).toISOString()).toBe(
      '2026-10-25T02:00:00.000Z',
    );
  });

  it('zonedTimeToUtc - southern hemisphere: Auckland leaves DST in April, enters it in September', () => {
    // NZ goes 03:00 NZDT → 02:00 NZST on 2026-04-05: 02:30 is repeated, the earlier one is NZDT.
    expect(new Date(zonedTimeToUtc(2026, 4, 5, 2, 30, 'Pacific/Auckland')).toISOString()).toBe(
      '2026-04-04T13:30:00.000Z',
    );
    // NZ goes 02:00 NZST → 03:00 NZDT on 2026-09-27: 02:30 becomes 03:30 NZDT.
    const gap = zonedTimeToUtc(2026, 9, 27, 2, 30, 'Pacific/Auckland');
    expect(new Date(gap).toISOString()).toBe('2026-09-26T14:30:00.000Z');
    expect(localClock(gap, 'Pacific/Auckland')).toBe('2026-09-27 03:30');
  });

  it('zonedTimeToUtc - 30- and 45-minute offsets, and a 30-minute DST shift', () => {
    // Kolkata is +05:30 all year, Kathmandu +05:45.
    expect(new Date(zonedTimeToUtc(2026, 1, 1, 9, 30, 'Asia/Kolkata')).toISOString()).toBe(
      '2026-01-01T04:00:00.000Z',
    );
    expect(new Date(zonedTimeToUtc(2026, 1, 1, 20, 0, 'Asia/Kathmandu')).toISOString()).toBe(
      '2026-01-01T14:15:00.000Z',
    );
    // Just after local midnight the UTC date is the day before.
    expect(new Date(zonedTimeToUtc(2026, 1, 1, 0, 10, 'Asia/Kathmandu')).toISOString()).toBe(
      '2025-12-31T18:25:00.000Z',
    );
    // Lord Howe moves its clocks by 30 minutes: 02:00 → 02:30 on 2026-10-04, 02:00 → 01:30 on 2026-04-05.
    expect(new Date(zonedTimeToUtc(2026, 10, 4, 2, 15, 'Australia/Lord_Howe')).toISOString()).toBe(
      '2026-10-03T15:45:00.000Z',
    );
    expect(new Date(zonedTimeToUtc(2026, 4, 5, 1, 45, 'Australia/Lord_Howe')).toISOString()).toBe(
      '2026-04-04T14:45:00.000Z',
    );
  });

  it('zonedTimeToUtc - every non-skipped wall clock of a year formats back to itself', () => {
    for (const timeZone of ['Europe/Paris', 'America/New_York', 'Pacific/Auckland', 'Asia/Kathmandu']) {
      for (let date = Date.UTC(2026, 0, 1); date < Date.UTC(2027, 0, 1); date += DAY) {
        const d = new Date(date);
        const instant = zonedTimeToUtc(
          d.getUTCFullYear(),
          d.getUTCMonth() + 1,
          d.getUTCDate(),
          20,
          0,
          timeZone,
        );
        expect(localClock(instant, timeZone)).toBe(`${d.toISOString().slice(0, 10)} 20:00`);
      }
    }
  });
});

describe('recurrence occurrencesBetween', () => {
  const dailyUtc: Recurrence = { frequency: 'daily', time: '09:00', timeZone: 'UTC' };
  const parisEvening: Recurrence = { frequency: 'daily', time: '20:00', timeZone: 'Europe/Paris' };
  const newYorkMonFri: Recurrence = {
    frequency: 'weekly',
    weekdays: [1, 5],
    time: '10:00',
    timeZone: 'America/New_York',
  };

  it('occurrences - daily in UTC', () => {
    expect(iso(occurrencesBetween(dailyUtc, at('2026-01-01T00:00:00Z'), at('2026-01-04T00:00:00Z')))).toEqual(
      ['2026-01-01T09:00:00.000Z', '2026-01-02T09:00:00.000Z', '2026-01-03T09:00:00.000Z'],
    );
  });

  it('occurrences - daily 20:00 Paris across spring-forward: 19:00Z in winter, 18:00Z in summer', () => {
    expect(
      iso(occurrencesBetween(parisEvening, at('2026-03-27T00:00:00Z'), at('2026-03-31T00:00:00Z'))),
    ).toEqual([
      '2026-03-27T19:00:00.000Z',
      '2026-03-28T19:00:00.000Z',
      '2026-03-29T18:00:00.000Z',
      '2026-03-30T18:00:00.000Z',
    ]);
  });

  it('occurrences - daily 20:00 Paris across fall-back: 18:00Z in summer, 19:00Z in winter', () => {
    expect(
      iso(occurrencesBetween(parisEvening, at('2026-10-23T00:00:00Z'), at('2026-10-27T00:00:00Z'))),
    ).toEqual([
      '2026-10-23T18:00:00.000Z',
      '2026-10-24T18:00:00.000Z',
      '2026-10-25T19:00:00.000Z',
      '2026-10-26T19:00:00.000Z',
    ]);
  });

  it('occurrences - a daily start inside the gap or overlap happens once that night', () => {
    const gapNight: Recurrence = { frequency: 'daily', time: '02:30', timeZone: 'Europe/Paris' };
    expect(iso(occurrencesBetween(gapNight, at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z')))).toEqual(
      ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    );
    expect(iso(occurrencesBetween(gapNight, at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z')))).toEqual(
      ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    );
  });

  it('occurrences - weekly Monday and Friday in New York across its DST change (2026-03-08)', () => {
    expect(
      iso(occurrencesBetween(newYorkMonFri, at('2026-03-01T00:00:00Z'), at('2026-03-17T00:00:00Z'))),
    ).toEqual([
      '2026-03-02T15:00:00.000Z',
      '2026-03-06T15:00:00.000Z',
      '2026-03-09T14:00:00.000Z',
      '2026-03-13T14:00:00.000Z',
      '2026-03-16T14:00:00.000Z',
    ]);
  });

  it('occurrences - weekdays are local to the zone, not UTC', () => {
    // Friday 22:00 in New York is Saturday in UTC.
    const fridayNight: Recurrence = {
      frequency: 'weekly',
      weekdays: [5],
      time: '22:00',
      timeZone: 'America/New_York',
    };
    const starts = occurrencesBetween(fridayNight, at('2026-03-01T00:00:00Z'), at('2026-03-15T00:00:00Z'));
    expect(iso(starts)).toEqual(['2026-03-07T03:00:00.000Z', '2026-03-14T02:00:00.000Z']);
    expect(starts.map((x) => new Date(x).getUTCDay())).toEqual([6, 6]);
    // Monday 09:00 in Auckland is still Sunday in UTC.
    const aucklandMonday: Recurrence = {
      frequency: 'weekly',
      weekdays: [1],
      time: '09:00',
      timeZone: 'Pacific/Auckland',
    };
    expect(
      iso(occurrencesBetween(aucklandMonday, at('2026-04-01T00:00:00Z'), at('2026-04-10T00:00:00Z'))),
    ).toEqual(['2026-04-05T21:00:00.000Z']);
  });

  it('occurrences - daily 09:00 Auckland as NZ leaves DST on 2026-04-05 (+13 → +12)', () => {
    const auckland: Recurrence = { frequency: 'daily', time: '09:00', timeZone: 'Pacific/Auckland' };
    expect(iso(occurrencesBetween(auckland, at('2026-04-02T12:00:00Z'), at('2026-04-06T00:00:00Z')))).toEqual(
      [
        '2026-04-02T20:00:00.000Z',
        '2026-04-03T20:00:00.000Z',
        '2026-04-04T21:00:00.000Z',
        '2026-04-05T21:00:00.000Z',
      ],
    );
  });

  it('occurrences - daily in Kolkata (+05:30) and Kathmandu (+05:45)', () => {
    const kolkata: Recurrence = { frequency: 'daily', time: '09:30', timeZone: 'Asia/Kolkata' };
    expect(iso(occurrencesBetween(kolkata, at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z')))).toEqual([
      '2026-01-01T04:00:00.000Z',
      '2026-01-02T04:00:00.000Z',
    ]);
    const kathmandu: Recurrence = { frequency: 'daily', time: '00:10', timeZone: 'Asia/Kathmandu' };
    expect(
      iso(occurrencesBetween(kathmandu, at('2025-12-31T00:00:00Z'), at('2026-01-02T00:00:00Z'))),
    ).toEqual(['2025-12-31T18:25:00.000Z', '2026-01-01T18:25:00.000Z']);
  });

  it('occurrences - the range is half-open: a start at `from` is in, a start at `to` is out', () => {
    const from = at('2026-01-01T09:00:00Z');
    const to = at('2026-01-03T09:00:00Z');
    expect(iso(occurrencesBetween(dailyUtc, from, to))).toEqual([
      '2026-01-01T09:00:00.000Z',
      '2026-01-02T09:00:00.000Z',
    ]);
    expect(iso(occurrencesBetween(dailyUtc, from + 1, to + 1))).toEqual([
      '2026-01-02T09:00:00.000Z',
      '2026-01-03T09:00:00.000Z',
    ]);
    expect(occurrencesBetween(dailyUtc, from, from)).toEqual([]);
    expect(occurrencesBetween(dailyUtc, to, from)).toEqual([]);
    expect(occurrencesBetween(dailyUtc, from + 1, from + DAY)).toEqual([]);
  });

  it('occurrences - `limit` caps the result to the earliest starts, default 1000', () => {
    const from = at('2026-01-01T00:00:00Z');
    expect(iso(occurrencesBetween(dailyUtc, from, from + 365 * DAY, 2))).toEqual([
      '2026-01-01T09:00:00.000Z',
      '2026-01-02T09:00:00.000Z',
    ]);
    expect(occurrencesBetween(dailyUtc, from, from + 365 * DAY, 0)).toEqual([]);
    expect(occurrencesBetween(dailyUtc, from, from + 365 * DAY)).toHaveLength(365);
    const decades = occurrencesBetween(dailyUtc, from, from + 5000 * DAY);
    expect(decades).toHaveLength(1000);
    expect(new Date(decades[999]!).toISOString()).toBe('2028-09-26T09:00:00.000Z');
  });

  it('occurrences - starts are ascending, one per selected local day, over a whole year', () => {
    const starts = occurrencesBetween(newYorkMonFri, at('2026-01-01T05:00:00Z'), at('2027-01-01T05:00:00Z'));
    // 2026 starts and ends on a Thursday: 52 Mondays and 52 Fridays.
    expect(starts).toHaveLength(104);
    for (let i = 1; i < starts.length; i++) expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
    for (const s of starts) expect(localClock(s, 'America/New_York').slice(11)).toBe('10:00');
  });

  it('occurrences - a non-finite bound is a RangeError', () => {
    expect(() => occurrencesBetween(dailyUtc, Number.NaN, 0)).toThrow(RangeError);
    expect(() => occurrencesBetween(dailyUtc, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('recurrence nextOccurrence', () => {
  const newYorkMonFri: Recurrence = {
    frequency: 'weekly',
    weekdays: [1, 5],
    time: '10:00',
    timeZone: 'America/New_York',
  };

  it('next - from a Saturday, the next Monday (already on daylight time)', () => {
    const next = nextOccurrence(newYorkMonFri, at('2026-03-07T12:00:00Z'));
    expect(new Date(next!).toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it('next - a start exactly at `from` is the next one; a millisecond later it is not', () => {
    const start = at('2026-03-06T15:00:00Z');
    expect(new Date(nextOccurrence(newYorkMonFri, start)!).toISOString()).toBe('2026-03-06T15:00:00.000Z');
    expect(new Date(nextOccurrence(newYorkMonFri, start + 1)!).toISOString()).toBe(
      '2026-03-09T14:00:00.000Z',
    );
  });

  it('next - daily Paris 20:00 on the evening of the spring-forward day', () => {
    const paris: Recurrence = { frequency: 'daily', time: '20:00', timeZone: 'Europe/Paris' };
    expect(new Date(nextOccurrence(paris, at('2026-03-28T19:00:01Z'))!).toISOString()).toBe(
      '2026-03-29T18:00:00.000Z',
    );
  });
});

describe('recurrence recurrenceProblem', () => {
  const valid: Recurrence = {
    frequency: 'weekly',
    weekdays: [1, 5],
    time: '20:00',
    timeZone: 'Europe/Paris',
  };

  it('problem - valid recurrences have none', () => {
    expect(recurrenceProblem(valid)).toBeUndefined();
    expect(recurrenceProblem({ frequency: 'daily', time: '00:00', timeZone: 'UTC' })).toBeUndefined();
    expect(
      recurrenceProblem({ frequency: 'daily', time: '23:59', timeZone: 'Asia/Kathmandu' }),
    ).toBeUndefined();
    expect(recurrenceProblem({ ...valid, weekdays: [0, 1, 2, 3, 4, 5, 6] })).toBeUndefined();
    // Weekdays are ignored for daily.
    expect(recurrenceProblem({ frequency: 'daily', weekdays: [9, 9], time: '08:00', timeZone: 'UTC' })).toBe(
      undefined,
    );
  });

  it('problem - a time that is not HH:MM from 00:00 to 23:59', () => {
    for (const time of ['24:00', '7:00', '12:60', '07:00:00', '', ' 07:00', '07:00\n', '０7:00']) {
      expect(recurrenceProblem({ ...valid, time })).toBe(
        'Time must be HH:MM on a 24-hour clock, from 00:00 to 23:59.',
      );
    }
  });

  it('problem - an unknown time zone', () => {
    expect(recurrenceProblem({ ...valid, timeZone: 'Mars/Olympus' })).toBe(
      'Time zone must be a known IANA zone, such as Europe/Paris.',
    );
    expect(recurrenceProblem({ ...valid, timeZone: '' })).toBe(
      'Time zone must be a known IANA zone, such as Europe/Paris.',
    );
  });

  it('problem - weekly needs distinct weekdays from 0 to 6', () => {
    const { weekdays: _omitted, ...noWeekdays } = valid;
    expect(recurrenceProblem(noWeekdays)).toBe('A weekly recurrence needs at least one weekday.');
    expect(recurrenceProblem({ ...valid, weekdays: [] })).toBe(
      'A weekly recurrence needs at least one weekday.',
    );
    expect(recurrenceProblem({ ...valid, weekdays: [7] })).toBe(
      'Weekdays must be whole numbers from 0 (Sunday) to 6 (Saturday).',
    );
    expect(recurrenceProblem({ ...valid, weekdays: [-1] })).toBe(
      'Weekdays must be whole numbers from 0 (Sunday) to 6 (Saturday).',
    );
    expect(recurrenceProblem({ ...valid, weekdays: [1.5] })).toBe(
      'Weekdays must be whole numbers from 0 (Sunday) to 6 (Saturday).',
    );
    expect(recurrenceProblem({ ...valid, weekdays: [1, 5, 1] })).toBe('Weekdays must not repeat.');
  });

  it('problem - an unknown frequency', () => {
    const monthly = { ...valid, frequency: 'monthly' } as unknown as Recurrence;
    expect(recurrenceProblem(monthly)).toBe(`Frequency must be one of ${FREQUENCIES.join(', ')}.`);
    expect(recurrenceProblem(monthly)).toBe('Frequency must be one of daily, weekly.');
  });
});
