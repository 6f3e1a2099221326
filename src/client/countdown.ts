/** A countdown to an instant, on server time. */
export interface Countdown {
  readonly msLeft: number;
  readonly done: boolean;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  /** Tenths of a second, for the last ten seconds of a drop. */
  readonly tenths: number;
}

export function countdown(targetIso: string | number, serverNow: number): Countdown {
  const target = typeof targetIso === 'number' ? targetIso : Date.parse(targetIso);
  const msLeft = Math.max(0, target - serverNow);
  const total = Math.floor(msLeft / 100);
  return {
    msLeft,
    done: msLeft === 0,
    days: Math.floor(msLeft / 86_400_000),
    hours: Math.floor(msLeft / 3_600_000) % 24,
    minutes: Math.floor(msLeft / 60_000) % 60,
    seconds: Math.floor(msLeft / 1000) % 60,
    tenths: total % 10,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2d 04:05:06`, `04:05:06`, `05:06`, or `9.4` in the last ten seconds. */
export function formatCountdown(c: Countdown): string {
  if (c.done) return '00:00';
  if (c.msLeft < 10_000) return `${c.seconds}.${c.tenths}`;
  const hms =
    c.days > 0 || c.hours > 0
      ? `${pad(c.hours)}:${pad(c.minutes)}:${pad(c.seconds)}`
      : `${pad(c.minutes)}:${pad(c.seconds)}`;
  return c.days > 0 ? `${c.days}d ${hms}` : hms;
}
