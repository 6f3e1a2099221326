import type { SaleItem } from './types.ts';

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
