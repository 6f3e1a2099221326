import type { Bus } from '../../platform/bus/bus.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Sql } from '../../platform/store/store.ts';

/** What a token is checked against on every request: the account's version and suspension. */
export interface AccountState {
  readonly version: number;
  readonly suspended: boolean;
}

/** Broadcast to every node when an account changes (role, password, suspension). */
export interface AccountChange extends AccountState {
  readonly userId: string;
}

/** Ephemeral subject: every node forgets its cached state and closes the user's sockets. */
export const ACCOUNT_CHANGED = 'account.changed';

/**
 * Another node learns of a change at once from the bus; when that notice is lost (a node that
 * was reconnecting to NATS), this is how stale its cache can be: the revocation bound.
 */
export const ACCOUNT_STATE_TTL_MS = 5_000;
/** Cached accounts per node; the oldest is forgotten first. */
export const ACCOUNT_STATE_MAX = 100_000;

interface Waiter {
  resolve(s: AccountState | undefined): void;
  reject(e: unknown): void;
}

export interface AccountStatesOptions {
  readonly sql: Sql;
  readonly clock: Clock;
  readonly bus?: Bus;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

/**
 * Each account's token version and suspension, read at most once per user per `ttlMs` on this
 * node, with the reads of one moment batched into one query (a flash crowd's first requests
 * are one `where id = any(…)`, not thousands of lookups). A change made on this node is applied
 * at once (`changed`), and on the others as soon as the bus notice arrives.
 */
export class AccountStates {
  private readonly entries: Cache<string, AccountState>;
  /** Lookups waiting for the next read; while one read runs, the next ones gather here. */
  private pending = new Map<string, Waiter[]>();
  private flushing = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: AccountStatesOptions) {
    this.entries = createCache({
      max: o.maxEntries ?? ACCOUNT_STATE_MAX,
      ttlMs: o.ttlMs ?? ACCOUNT_STATE_TTL_MS,
      clock: o.clock,
    });
  }

  start(): void {
    this.unsubscribe ??= this.o.bus?.subscribe(ACCOUNT_CHANGED, (data) => this.apply(data as AccountChange));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The account's state, or undefined when it does not exist. */
  get(userId: string): Promise<AccountState | undefined> {
    const fresh = this.fresh(userId);
    if (fresh) return Promise.resolve(fresh);
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(userId);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(userId, [{ resolve, reject }]);
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  /** A change committed on this node: applied here now, and announced to the other nodes. */
  changed(change: AccountChange): void {
    this.apply(change);
    this.o.bus?.publish(ACCOUNT_CHANGED, change);
  }

  /** Keeps the newer of two states: versions only grow, so a late, stale read never wins. */
  private apply(c: AccountChange): void {
    // Compared with what is kept even past its time: versions are facts, however old the read.
    const current = this.entries.peek(c.userId, { allowStale: true });
    if (current && current.version > c.version) return;
    this.entries.set(c.userId, { version: c.version, suspended: c.suspended });
  }

  private fresh(userId: string): AccountState | undefined {
    return this.entries.get(userId);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    // Read while an earlier read was running: answered by it.
    for (const [id, waiters] of batch) {
      const state = this.fresh(id);
      if (!state) continue;
      for (const w of waiters) w.resolve(state);
      batch.delete(id);
    }
    try {
      if (batch.size === 0) return;
      const rows = await this.o.sql.query<{ id: string; token_version: number; suspended: boolean }>(
        'select id, token_version, suspended_at is not null as suspended from users where id = any($1::text[])',
        [[...batch.keys()]],
      );
      const found = new Map(rows.map((r) => [r.id, r]));
      for (const [id, waiters] of batch) {
        const row = found.get(id);
        if (row) this.apply({ userId: id, version: Number(row.token_version), suspended: row.suspended });
        // A change applied while the read was on its way is newer than what it read.
        const state = row ? this.entries.peek(id, { allowStale: true }) : undefined;
        for (const w of waiters) w.resolve(state);
      }
    } catch (e) {
      // Fail closed: a request whose account cannot be checked is refused.
      for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
    } finally {
      this.flushing = false;
      if (this.pending.size > 0) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    }
  }
}
