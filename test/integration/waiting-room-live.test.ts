import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solvePow, solvePowInBackground } from '../../src/client/pow.ts';
import { verifySolution } from '../../src/domain/proof-of-work.ts';
import { type Actor, makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

describe.each(await storeKinds())('waiting room, live (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({ store: kind, config: { port: 0, host: '127.0.0.1', wsTickMs: 50 } });
    base = await t.fm.listen();
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  it('waiting room - the queue channel pushes position and ETA as admission advances, then the admission token', async () => {
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 100, perBuyerLimit: 1 }],
      waitingRoom: { admitPerMinute: 240, maxActive: 100, opensBeforeSeconds: 60, admissionTtlSeconds: 120 },
    });
    await t.fm.services.waitingRoom.updateSettings(sale.id, { paused: true });
    const buyers = await makeBuyers(t.fm, 6);
    const tickets: string[] = [];
    for (const b of buyers)
      tickets.push(
        (await t.http('POST', `/api/sales/${sale.id}/queue`, { token: b.token, body: {} })).json().ticket,
      );
    const last = buyers[5] as Actor;
    const s = await openSocket(base, { token: last.token });
    const ch = `queue:${sale.id}:${tickets[5]}`;
    s.send({ op: 'sub', ch });
    const first = await s.next((m) => m.ch === ch && m.ev === 'state');
    expect(first.data).toMatchObject({ position: 6, state: 'waiting', paused: true });
    const stranger = await openSocket(base, { token: buyers[0]?.token });
    stranger.send({ op: 'sub', ch });
    expect((await stranger.next((m) => m.op === 'error')).code).toBe('not_found');
    stranger.close();

    await t.fm.services.waitingRoom.updateSettings(sale.id, { paused: false });
    const moved = await s.next((m) => m.ch === ch && m.data?.position > 0 && m.data.position < 6, 8_000);
    expect(moved.data.etaSeconds).toBeGreaterThan(0);
    const admitted = await s.next((m) => m.ch === ch && m.data?.position === 0, 8_000);
    expect(typeof admitted.data.admissionToken).toBe('string');
    const claim = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: last.token,
      body: { sku: sale.items[0]?.sku, quantity: 1, idempotencyKey: 'q1' },
      headers: { 'flashmob-admission': admitted.data.admissionToken },
    });
    expect(claim.statusCode).toBe(201);
    s.close();
  });

  it('waiting room - the client library solves the challenge off the main thread and the join is accepted', async () => {
    const sale = await makeSale(t.fm, host, {
      items: [{ stock: 10 }],
      waitingRoom: {
        admitPerMinute: 60,
        maxActive: 10,
        opensBeforeSeconds: 60,
        admissionTtlSeconds: 60,
        proofOfWork: { difficulty: 12 },
      },
    });
    const [buyer] = await makeBuyers(t.fm, 1);
    const refused = await t.http('POST', `/api/sales/${sale.id}/queue`, { token: buyer?.token, body: {} });
    expect([refused.statusCode, refused.json().code]).toEqual([428, 'pow_required']);
    const { challenge, difficulty } = (
      await t.http('GET', `/api/sales/${sale.id}/queue/challenge`, { token: buyer?.token })
    ).json();
    const solution = await solvePowInBackground(challenge, difficulty);
    expect(solvePow(challenge, difficulty)).toBe(solution); // the browser solver agrees with the Node one
    const joined = await t.http('POST', `/api/sales/${sale.id}/queue`, {
      token: buyer?.token,
      body: { pow: { challenge, solution } },
    });
    expect(joined.statusCode).toBe(201);
    const [other] = await makeBuyers(t.fm, 1);
    const reused = await t.http('POST', `/api/sales/${sale.id}/queue`, {
      token: other?.token,
      body: { pow: { challenge, solution } },
    });
    expect([reused.statusCode, reused.json().code]).toEqual([403, 'pow_invalid']);
    expect(verifySolution({ secret: 'x', challenge, solution, saleId: sale.id, now: Date.now() }).ok).toBe(
      false,
    );
  });
});
