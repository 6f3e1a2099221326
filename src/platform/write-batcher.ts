/**
 * Group commit for small writes: items added while a flush runs (or within `waitMs`) are written
 * together by the next flush, and each caller's promise settles when its item is durable. One
 * statement for many writes, one writer at a time, nobody answered before their write lands.
 */
export class WriteBatcher<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing = false;
  /** Settles with the last item added: batches are written in order, so with every earlier one. */
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly maxBatch = 1_000,
  ) {}

  add(item: T): Promise<void> {
    const written = new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.run());
    });
    this.last = written.then(
      () => {},
      () => {},
    );
    return written;
  }

  /**
   * Settles once every item added so far is written (or has failed): a later write that must land
   * after them (an update of the rows they insert) waits for this first.
   */
  settled(): Promise<void> {
    return this.last;
  }

  private async run(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    try {
      await this.flush(batch.map((b) => b.item));
      for (const b of batch) b.resolve();
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) setImmediate(() => void this.run());
    }
  }
}
