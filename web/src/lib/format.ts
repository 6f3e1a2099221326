import type { PartyRecurrence, SaleItem } from './types.ts';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** `$189`, `$189.50`, `€45`: minor units in, the buyer's locale out. */
export function money(cents: number, currency = 'USD'): string {
  const whole = cents % 100 === 0;
  const key = `${currency}:${whole}`;
  let nf = moneyFormats.get(key);
  if (!nf) {
    try {
      nf = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: 2,
      });
    } catch {
      nf = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(key, nf);
  }
  return nf.format(cents / 100);
}

/** `$39` or `$39 – $189` over a sale's items. */
export function priceRange(items: readonly Pick<SaleItem, 'priceCents' | 'currency'>[]): string {
  if (items.length === 0) return '';
  const prices = items.map((i) => i.priceCents);
  const lo = Math.min(...prices);
  const hi = Math.max(...prices);
  const currency = items[0]?.currency ?? 'USD';
  return lo === hi ? money(lo, currency) : `${money(lo, currency)} – ${money(hi, currency)}`;
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
}

/** The "only N left" threshold: a few units, or the last quarter of a small stock. */
export function isLow(remaining: number, stock: number): boolean {
  return remaining > 0 && remaining <= Math.min(10, Math.max(1, Math.ceil(stock * 0.25)));
}

/** An order's short reference, as buyers see it: the id's last six characters. */
export const orderRef = (id: string) => id.slice(-6).toUpperCase();

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A datetime-local input's value for an instant, in the browser's zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Weekday names by number as the API has them (0 = Sunday), and the order people read a week in. */
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

/**
 * A party's rule as people say it, in its own zone: "Every day at 20:00 (Europe/Paris)",
 * "Every Friday at 20:00 (UTC)", "Mon, Fri at 18:00 (America/New_York)".
 */
export function partySchedule(r: PartyRecurrence): string {
  const at = `at ${r.time} (${r.timeZone})`;
  const days = WEEK_ORDER.filter((d) => r.weekdays?.includes(d));
  if (r.frequency === 'daily' || days.length === 7) return `Every day ${at}`;
  if (days.length === 1) return `Every ${WEEKDAYS_LONG[days[0] as number]} ${at}`;
  if (days.length === 5 && !days.includes(0) && !days.includes(6)) return `Weekdays ${at}`;
  if (days.length === 2 && days.includes(0) && days.includes(6)) return `Weekends ${at}`;
  return `${days.map((d) => WEEKDAYS[d]).join(', ')} ${at}`;
}
