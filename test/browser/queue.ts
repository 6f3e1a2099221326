import { expect } from 'vitest';
import { solvePow } from '../../src/client/pow.ts';
import type { Actor } from '../factories/index.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** The waiting room of the browser tests' drops: a quick line with a light proof of work. */
export const ROOM = {
  admitPerMinute: 120,
  maxActive: 50,
  opensBeforeSeconds: 600,
  admissionTtlSeconds: 600,
  proofOfWork: { difficulty: 10 },
};

/** The same room without the proof of work. */
export const { proofOfWork: _pow, ...NO_POW } = ROOM;

/** Joins the line through the API, solving the proof of work in Node when the room asks for it. */
export async function joinByApi(t: TestApp, saleId: string, buyer: Actor) {
  let body: unknown = {};
  const challenge = await t.http('GET', `/api/sales/${saleId}/queue/challenge`, { token: buyer.token });
  if (challenge.statusCode === 200) {
    const c = challenge.json() as { challenge: string; difficulty: number };
    body = { pow: { challenge: c.challenge, solution: solvePow(c.challenge, c.difficulty) } };
  }
  const res = await t.http('POST', `/api/sales/${saleId}/queue`, { token: buyer.token, body });
  expect(res.statusCode).toBeLessThan(300);
  return res.json() as { ticket: string; position: number | null; state: string };
}
