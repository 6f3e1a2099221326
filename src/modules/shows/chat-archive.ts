import type { Logger } from 'pino';
import { toError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/store.ts';
import type { ChatMessage } from './chat-types.ts';

const FLUSH_MS = 250;
const MAX_BUFFER = 20_000;
/**
 * Flushes a deletion is tried again when it matched no archived line (about 10 s at FLUSH_MS):
 * the line may still be in the buffer of the node that took it, which writes it later.
 */
const DELETE_RETRIES = 40;

/**
 * Chat is delivered first and written behind: lines are kept for audit (and history after a
 * restart) in batches, one insert per flush, off the path of the message.
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
        if (batch.length > 0) await this.insert(batch, deletions);
        if (deletions.size > 0) {
          const hit = await this.store.query<{ id: string }>(
            'update chat_messages set deleted = true where id = any($1) returning id',
            [[...deletions]],
          );
          this.settle(fresh, retried, new Set(hit.map((r) => r.id)));
        }
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

  private async insert(batch: ChatMessage[], deletions: ReadonlySet<string>): Promise<void> {
    await this.store.query(
      `insert into chat_messages (id, show_id, user_id, user_name, text, kind, flagged, deleted, created_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
                            $8::boolean[], $9::timestamptz[])
       on conflict (id) do nothing`,
      [
        batch.map((m) => m.id),
        batch.map((m) => m.showId),
        batch.map((m) => m.userId),
        batch.map((m) => m.userName),
        batch.map((m) => m.text),
        batch.map((m) => m.kind),
        batch.map((m) => m.flagged),
        batch.map((m) => deletions.has(m.id)),
        batch.map((m) => m.at),
      ],
    );
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
