import { expect } from 'vitest';
import type { Sale } from '../../src/modules/sales/types.ts';
import type { Show } from '../../src/modules/shows/types.ts';
import { makeBuyers, uniq } from '../factories/index.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** `n` fresh buyers each claim `quantity` units of `sku` (a crowd that makes a sale hot). */
export async function crowdClaims(
  t: TestApp,
  c: { saleId: string; sku: string; buyers: number; quantity?: number },
): Promise<void> {
  for (const [i, b] of (await makeBuyers(t.fm, c.buyers)).entries()) {
    const res = await t.http('POST', `/api/sales/${c.saleId}/claims`, {
      token: b.token,
      body: { sku: c.sku, quantity: c.quantity ?? 1, idempotencyKey: uniq(`crowd-${i}-`) },
    });
    expect(res.statusCode).toBe(201);
  }
}

export interface TrendingAnswer {
  sales: Array<{ heat: number; sale: Sale }>;
  shows: Array<{ heat: number; show: Show }>;
  tags: Array<{ tag: string; heat: number }>;
}

/**
 * The home page's question: each `limit` has its own answer, shared for 2 s, so asking with the
 * page's limit means the page gets this answer or a newer one, never an older one left cached.
 */
export async function trending(t: TestApp): Promise<TrendingAnswer> {
  const res = await t.http('GET', '/api/trending?limit=5');
  expect(res.statusCode).toBe(200);
  return res.json() as TrendingAnswer;
}

/**
 * Polls GET /api/trending until `ready` says it lists what the test made hot: the `trending`
 * consumer warms it from the event log a moment after the claims (a consumer, not a timer).
 */
export async function waitForTrending(
  t: TestApp,
  ready: (answer: TrendingAnswer) => boolean,
  timeoutMs = 20_000,
): Promise<TrendingAnswer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const answer = await trending(t);
    if (ready(answer)) return answer;
    if (Date.now() > until) throw new Error(`not trending after ${timeoutMs} ms: ${JSON.stringify(answer)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether the answer lists all these sales and shows. */
export const lists =
  (saleIds: string[], showIds: string[] = []) =>
  (answer: TrendingAnswer): boolean =>
    saleIds.every((id) => answer.sales.some((s) => s.sale.id === id)) &&
    showIds.every((id) => answer.shows.some((s) => s.show.id === id));
