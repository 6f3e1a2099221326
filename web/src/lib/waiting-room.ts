import { useSyncExternalStore } from 'react';
import { serverClock } from './clock.ts';
import { session } from './session.ts';
import type { QueueStatus, WaitingRoomConfig } from './types.ts';

/**
 * What this browser remembers of the buyer's place in a sale's waiting room, per sale, in
 * localStorage: the ticket (a reload or a new tab keeps the place without joining again), the
 * first position seen (where the progress visual starts), and the admission once granted (sent
 * with claims as `Flashmob-Admission` until it expires). An entry belongs to one account: an
 * admission is bound to the buyer it was issued to, so another account on this browser starts
 * over. Other tabs follow through the `storage` event.
 */
export interface QueueEntry {
  readonly userId: string;
  readonly saleId: string;
  readonly ticket: string;
  readonly firstPosition?: number;
  readonly admission?: Admission;
  readonly savedAt: number;
}

export interface Admission {
  readonly token: string;
  /** ISO, server time. */
  readonly expiresAt: string;
}

const PREFIX = 'flashmob.queue.';
const KEEP_MS = 3 * 24 * 3_600_000;
/** An admission this close to its end is not sent: the claim would race the expiry. */
const ADMISSION_MARGIN_MS = 500;

type Listener = () => void;
const listeners = new Set<Listener>();
const emit = () => {
  for (const l of listeners) l();
};

/** Parsed entries by raw text: a snapshot is the same object until its text changes. */
const parsed = new Map<string, { raw: string; entry: QueueEntry | undefined }>();

function load(saleId: string): QueueEntry | undefined {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(PREFIX + saleId);
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  const hit = parsed.get(saleId);
  if (hit?.raw === raw) return hit.entry;
  let entry: QueueEntry | undefined;
  try {
    const v = JSON.parse(raw) as Partial<QueueEntry>;
    entry =
      typeof v.ticket === 'string' && typeof v.userId === 'string' && v.saleId === saleId
        ? (v as QueueEntry)
        : undefined;
  } catch {
    entry = undefined;
  }
  parsed.set(saleId, { raw, entry });
  return entry;
}

function write(saleId: string, entry: QueueEntry | undefined): void {
  try {
    if (entry) localStorage.setItem(PREFIX + saleId, JSON.stringify(entry));
    else localStorage.removeItem(PREFIX + saleId);
  } catch {
    // private mode: the place is still kept by the server (joining again returns it)
  }
  emit();
}

/** The signed-in buyer's entry for a sale, if this browser has one. */
export function queueEntry(saleId: string): QueueEntry | undefined {
  const entry = load(saleId);
  const me = session.get()?.user.id;
  return entry && me && entry.userId === me ? entry : undefined;
}

/** Records what the server said about the buyer's ticket (a join, a poll, a channel frame). */
export function rememberStatus(status: QueueStatus): QueueEntry | undefined {
  const me = session.get()?.user.id;
  if (!me) return undefined;
  const before = queueEntry(status.saleId);
  const sameTicket = before?.ticket === status.ticket;
  const firstPosition =
    sameTicket && before?.firstPosition
      ? before.firstPosition
      : status.position && status.position > 0
        ? status.position
        : undefined;
  // An admission lasts while the ticket is admitted (or checked out, until it expires); leaving
  // gives it back.
  const admission =
    status.admissionToken && status.admissionExpiresAt
      ? { token: status.admissionToken, expiresAt: status.admissionExpiresAt }
      : sameTicket && (status.state === 'admitted' || status.state === 'done')
        ? before?.admission
        : undefined;
  const next: QueueEntry = {
    userId: me,
    saleId: status.saleId,
    ticket: status.ticket,
    ...(firstPosition ? { firstPosition } : {}),
    ...(admission ? { admission } : {}),
    savedAt: Date.now(),
  };
  if (
    before &&
    before.ticket === next.ticket &&
    before.firstPosition === next.firstPosition &&
    before.admission?.token === next.admission?.token &&
    Date.now() - before.savedAt < 60_000
  ) {
    return before;
  }
  write(status.saleId, next);
  return next;
}

export function forgetQueue(saleId: string): void {
  if (load(saleId)) write(saleId, undefined);
}

/** Drops a stored admission the server refused (expired early, another account, new secret). */
export function forgetAdmission(saleId: string): void {
  const entry = queueEntry(saleId);
  if (!entry?.admission) return;
  const { admission: _gone, ...rest } = entry;
  write(saleId, rest);
}

/** The buyer's admission to a sale, while it is valid on server time. */
export function admissionFor(saleId: string): Admission | undefined {
  const a = queueEntry(saleId)?.admission;
  if (!a) return undefined;
  return serverClock.now() < Date.parse(a.expiresAt) - ADMISSION_MARGIN_MS ? a : undefined;
}

function subscribe(l: Listener): () => void {
  listeners.add(l);
  const offSession = session.subscribe(l);
  return () => {
    listeners.delete(l);
    offSession();
  };
}

/** The buyer's entry for a sale, live (this tab, other tabs, signing in or out). */
export function useQueueEntry(saleId: string): QueueEntry | undefined {
  return useSyncExternalStore(subscribe, () => queueEntry(saleId));
}

/** When buyers may start joining: `opensBeforeSeconds` before the sale starts. */
export function queueOpensAt(
  startsAt: string,
  config: Pick<WaitingRoomConfig, 'opensBeforeSeconds'>,
): number {
  return Date.parse(startsAt) - config.opensBeforeSeconds * 1000;
}

/** "about 3 min" from the server's ETA; null is paused, or not known yet. */
export function etaText(etaSeconds: number | null, paused: boolean): string {
  if (paused) return 'paused by the host';
  if (etaSeconds === null) return 'calculating…';
  if (etaSeconds < 45) return 'under 1 min';
  const minutes = Math.round(etaSeconds / 60);
  if (minutes < 60) return `about ${Math.max(1, minutes)} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 || h >= 5 ? `about ${h} h` : `about ${h} h ${m} min`;
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === null || e.key.startsWith(PREFIX)) emit();
  });
  // Old entries (drops long over) are dropped.
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      const v = JSON.parse(localStorage.getItem(key) ?? '{}') as Partial<QueueEntry>;
      if (!(typeof v.savedAt === 'number' && Date.now() - v.savedAt < KEEP_MS)) localStorage.removeItem(key);
    }
  } catch {
    // storage unavailable or an unreadable entry: nothing to tidy
  }
}
