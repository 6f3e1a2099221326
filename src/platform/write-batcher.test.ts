import { describe, expect, it } from 'vitest';
import { WriteBatcher } from './write-batcher.ts';

describe('write batcher', () => {
  it('write batcher - settled() waits for every item added so far, through later batches and failures', async () => {
    const written: number[][] = [];
    let fail = true;
    const releases: Array<() => void> = [];
    const batcher = new WriteBatcher<number>(async (items) => {
      await new Promise<void>((r) => releases.push(r));
      if (fail && items.includes(2)) {
        fail = false;
        throw new Error('the store said no');
      }
      written.push(items);
    });
    const one = batcher.add(1);
    await new Promise((r) => setImmediate(r)); // the first batch is being written…
    const two = batcher.add(2); // …so these two make the next one
    const three = batcher.add(3);
    let settled = false;
    const waiting = batcher.settled().then(() => {
      settled = true;
    });
    releases.shift()?.();
    await one;
    expect(settled).toBe(false);
    await new Promise((r) => setImmediate(r));
    releases.shift()?.();
    await expect(two).rejects.toThrow('the store said no');
    await expect(three).rejects.toThrow('the store said no');
    await waiting;
    expect(settled).toBe(true);
    expect(written).toEqual([[1]]);
    // Nothing pending: settled at once.
    await batcher.settled();
  });
});
