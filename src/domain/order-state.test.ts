import { describe, expect, it } from 'vitest';
import { canMove, isFinal, ORDER_STATES, returnsStockOnCancel } from './order-state.ts';

describe('order state', () => {
  it('order state - the happy path moves one step at a time', () => {
    const path = ['pending_payment', 'paid', 'packed', 'shipped', 'delivered'] as const;
    for (let i = 1; i < path.length; i++) expect(canMove(path[i - 1] as never, path[i] as never)).toBe(true);
    expect(canMove('pending_payment', 'shipped')).toBe(false);
    expect(canMove('delivered', 'paid')).toBe(false);
  });

  it('order state - failed, cancelled and refunded orders are final', () => {
    for (const s of ['payment_failed', 'cancelled', 'refunded'] as const) {
      expect(isFinal(s)).toBe(true);
      for (const to of ORDER_STATES) expect(canMove(s, to)).toBe(false);
    }
  });

  it('order state - only goods still in the warehouse go back to stock on cancel', () => {
    expect(returnsStockOnCancel('paid')).toBe(true);
    expect(returnsStockOnCancel('shipped')).toBe(false);
  });
});
