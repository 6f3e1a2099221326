import type { Logger } from 'pino';
import { toError } from '../../platform/errors.ts';
import { isDataError, pgCode, type Store } from '../../platform/store/store.ts';
import { printable } from '../../platform/text.ts';
import type { ChatMessage } from './chat-types.ts';

const FLUSH_MS = 250;
const MAX_BUFFER = 20_000;
/** Ids copied beside a dead letter's payload are cut to this (the payload keeps them whole). */
const MAX_DEAD_LETTER_ID = 100;

interface Poison {
  readonly message: ChatMessage;
  readonly error: unknown;
}
/**
 * Flushes a deletion is tried again when it matched no archived line (about 10 s at FLUSH_MS):
 * the line may still be in the buffer of the node that took it, which writes it later.
 */
const DELETE_RETRIES = 40;

/**
 * Chat is delivered first and written behind: lines are kept for audit (and history after a
 * restart) in batches, one insert per flush, off the path of the message.
 *
 * A batch that the database refuses for its data (SQLSTATE 22/23/54, `isDataError`) is split in
 * halves until each bad line stands alone: the others are written and each bad line goes to
 * `chat_dead_letters`, so one line nobody can store never holds back the rest of a room, or of
 * every other room (before, the whole batch was put back and failed again every flush). Any
 * other failure (the database unreachable) puts the whole batch back for the next flush; rows
 * already written are skipped then (`on conflict (id) do nothing`).
 */
export class ChatArchive {
  private buffer: ChatMessage[] = [];
  private deletions = new Set<string>();
  /** Deletions that matched no archived line yet, with the flushes they are still tried in. */
  private readonly unmatched = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.flushing === undefined) void this.flush();
    }, FLUSH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  add(message: ChatMessage): void {
    if (this.buffer.length >= MAX_BUFFER) {
      this.logger.warn(
        'chat archive buffer full; dropping the oldest line from the archive (it was delivered)',
      );
      this.buffer.shift();
    }
    this.buffer.push(message);
  }

  markDeleted(id: string): void {
    this.deletions.add(id);
  }

  /** Writes every line and deletion given before the call (after the flush in flight, if any). */
  async flush(): Promise<void> {
    // Returning the flush in flight was not enough: its batch was taken before the caller's
    // lines arrived, so stop() during a timer's flush left them unwritten.
    while (this.flushing !== undefined) await this.flushing;
    if (this.buffer.length === 0 && this.deletions.size === 0 && this.unmatched.size === 0) return;
    const batch = this.buffer.splice(0);
    const fresh = [...this.deletions];
    this.deletions.clear();
    const retried = [...this.unmatched.keys()];
    const deletions = new Set([...fresh, ...retried]);
    this.flushing = (async () => {
      try {
        const poison: Poison[] = [];
        if (batch.length > 0) await this.insert(batch, deletions, poison);
        if (poison.length > 0) await this.deadLetter(poison);
        if (deletions.size > 0) this.settle(fresh, retried, await this.markDeletedRows([...deletions]));
      } catch (e) {
        this.logger.error({ err: toError(e), lines: batch.length }, 'chat archive flush failed; retrying');
        this.buffer.unshift(...batch);
        for (const d of fresh) this.deletions.add(d);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Writes the lines, splitting on a data error until the bad ones are alone (into `poison`). */
  private async insert(lines: ChatMessage[], deleted: ReadonlySet<string>, poison: Poison[]): Promise<void> {
    try {
      await this.store.query(
        `insert into chat_messages (id, show_id, user_id, user_name, text, kind, flagged, deleted, created_at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
                              $8::boolean[], $9::timestamptz[])
         on conflict (id) do nothing`,
        [
          lines.map((m) => m.id),
          lines.map((m) => m.showId),
          lines.map((m) => m.userId),
          lines.map((m) => m.userName),
          lines.map((m) => m.text),
          lines.map((m) => m.kind),
          lines.map((m) => m.flagged),
          lines.map((m) => deleted.has(m.id)),
          lines.map((m) => m.at),
        ],
      );
    } catch (e) {
      if (!isDataError(e)) throw e;
      const [only] = lines;
      if (lines.length === 1 && only) {
        poison.push({ message: only, error: e });
        return;
      }
      const half = Math.ceil(lines.length / 2);
      await this.insert(lines.slice(0, half), deleted, poison);
      await this.insert(lines.slice(half), deleted, poison);
    }
  }

  private async deadLetter(poison: Poison[]): Promise<void> {
    const id = (v: unknown) => (typeof v === 'string' ? printable(v.slice(0, MAX_DEAD_LETTER_ID)) : null);
    try {
      await this.store.query(
        `insert into chat_dead_letters (message_id, show_id, payload, error_code, error)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          poison.map((p) => id(p.message.id)),
          poison.map((p) => id(p.message.showId)),
          // JSON escapes NUL and lone surrogates: the payload is storable and exact.
          poison.map((p) => JSON.stringify(p.message)),
          poison.map((p) => pgCode(p.error) ?? null),
          poison.map((p) => printable(toError(p.error).message)),
        ],
      );
    } catch (e) {
      if (!isDataError(e)) throw e; // unreachable store: the whole batch is tried again
      // Cannot happen with the escaping above; if it does, the lines must not block the archive.
      this.logger.error({ err: toError(e), lines: poison.length }, 'chat dead letters not stored; dropped');
      return;
    }
    this.logger.warn(
      { lines: poison.map((p) => id(p.message.id)), errors: poison.map((p) => pgCode(p.error)) },
      'chat lines the store refused were moved to chat_dead_letters',
    );
  }

  /** Marks lines deleted; the ids it found (a refused batch counts as found: it is dropped, not retried). */
  private async markDeletedRows(ids: string[]): Promise<Set<string>> {
    try {
      const hit = await this.store.query<{ id: string }>(
        'update chat_messages set deleted = true where id = any($1) returning id',
        [ids],
      );
      return new Set(hit.map((r) => r.id));
    } catch (e) {
      if (!isDataError(e)) throw e;
      this.logger.error({ err: toError(e), ids: ids.length }, 'chat deletions refused by the store; dropped');
      return new Set(ids);
    }
  }

  /**
   * A deletion that found no line is kept for the next flushes: with several nodes, a moderator's
   * delete can reach one node while the line is still in another node's buffer (seen on
   * PostgreSQL: the update ran before the other node's insert, and the line stayed undeleted).
   */
  private settle(fresh: readonly string[], retried: readonly string[], found: ReadonlySet<string>): void {
    for (const id of fresh) if (!found.has(id)) this.unmatched.set(id, DELETE_RETRIES);
    for (const id of retried) {
      const left = (this.unmatched.get(id) ?? 1) - 1;
      if (found.has(id) || left <= 0) this.unmatched.delete(id);
      else this.unmatched.set(id, left);
    }
  }
}
