import type { Logger } from 'pino';
import { toError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/store.ts';
import type { ChatMessage } from './chat-types.ts';

const FLUSH_MS = 250;
const MAX_BUFFER = 20_000;

/**
 * Chat is delivered first and written behind: lines are kept for audit (and history after a
 * restart) in batches, one insert per flush, off the path of the message.
 */
export class ChatArchive {
  private buffer: ChatMessage[] = [];
  private deletions = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
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

  async flush(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    if (this.buffer.length === 0 && this.deletions.size === 0) return;
    const batch = this.buffer.splice(0);
    const deletions = [...this.deletions];
    this.deletions.clear();
    this.flushing = (async () => {
      try {
        if (batch.length > 0) {
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
              batch.map((m) => deletions.includes(m.id)),
              batch.map((m) => m.at),
            ],
          );
        }
        if (deletions.length > 0)
          await this.store.query('update chat_messages set deleted = true where id = any($1)', [deletions]);
      } catch (e) {
        this.logger.error({ err: toError(e), lines: batch.length }, 'chat archive flush failed; retrying');
        this.buffer.unshift(...batch);
        for (const d of deletions) this.deletions.add(d);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }
}
