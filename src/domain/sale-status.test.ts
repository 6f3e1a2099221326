import { describe, expect, it } from 'vitest';
import { saleStatus, windowRefusal } from './sale-status.ts';

const sale = { startsAt: 1_000, endsAt: 2_000 };

describe('sale status', () => {
  it('sale status - follows the clock and the stock', () => {
    expect(saleStatus(sale, 5, 999)).toBe('scheduled');
    expect(saleStatus(sale, 5, 1_000)).toBe('live');
    expect(saleStatus(sale, 0, 1_500)).toBe('sold_out');
    expect(saleStatus(sale, 5, 2_000)).toBe('ended');
    expect(saleStatus(sale, 0, 2_000)).toBe('ended');
  });

  it('sale status - claims are refused outside the window', () => {
    expect(windowRefusal(sale, 999)).toBe('not_started');
    expect(windowRefusal(sale, 1_000)).toBeUndefined();
    expect(windowRefusal(sale, 1_999)).toBeUndefined();
    expect(windowRefusal(sale, 2_000)).toBe('ended');
  });
});
