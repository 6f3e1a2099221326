import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeBuyers, makeUser, uniq } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const kinds = await storeKinds();

describe.each(kinds)('parties: recurring sales (%s)', (kind) => {
  let t: TestApp;
  let host: Actor;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2026-03-27T12:00:00Z')); // a Friday, two days before Paris's DST
    // Not started: the test drives the scheduler's ticks itself.
    t = await createTestApp({ store: kind, clock, start: false });
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  async function product(owner: Actor = host): Promise<string> {
    const sku = uniq('PTY-');
    await t.fm.services.catalog.create(
      { id: owner.id, role: 'host', guest: false },
      {
        title: `Party product ${sku}`,
        hashtags: ['party'],
        variants: [{ sku, title: sku, priceCents: 2_500, currency: 'EUR' }],
      },
    );
    return sku;
  }

  const partySales = async (partyId: string) =>
    (
      await t.fm.store.query<{ starts_at: Date }>(
        'select starts_at from sales where party_id = $1 order by starts_at',
        [partyId],
      )
    ).map((r) => r.starts_at.toISOString());

  it('parties - a daily party at 20:00 Paris time: a sale for each occurrence a day ahead, on local time across DST, claimable when live', async () => {
    clock.set(Date.parse('2026-03-27T12:00:00Z'));
    const sku = await product();
    const created = await t.http('POST', '/api/parties', {
      token: host.token,
      body: {
        title: 'Friday night drop',
        description: 'Fresh stock every evening',
        hashtags: ['#Party'],
        recurrence: { frequency: 'daily', time: '20:00', timeZone: 'Europe/Paris' },
        durationMinutes: 60,
        holdSeconds: 300,
        items: [{ sku, stock: 50, perBuyerLimit: 2 }],
      },
    });
    expect(created.statusCode).toBe(201);
    const party = created.json();
    expect(party).toMatchObject({
      hostId: host.id,
      state: 'active',
      hashtags: ['party'],
      recurrence: { frequency: 'daily', time: '20:00', timeZone: 'Europe/Paris' },
    });
    // 20:00 in Paris is 19:00Z in winter time, 18:00Z from Sunday 29 March.
    expect(party.nextOccurrences.slice(0, 3)).toEqual([
      '2026-03-27T19:00:00.000Z',
      '2026-03-28T19:00:00.000Z',
      '2026-03-29T18:00:00.000Z',
    ]);
    // Only tonight's is within a day: its sale exists at once.
    expect(party.sales).toEqual([
      {
        id: expect.stringMatching(/^sal_/),
        startsAt: '2026-03-27T19:00:00.000Z',
        endsAt: '2026-03-27T20:00:00.000Z',
        status: 'scheduled',
      },
    ]);
    const tonight = (await t.http('GET', `/api/sales/${party.sales[0].id}`)).json();
    expect(tonight).toMatchObject({
      title: 'Friday night drop',
      partyId: party.id,
      holdSeconds: 300,
      hashtags: ['party'],
      status: 'scheduled',
    });
    expect(tonight.items[0]).toMatchObject({ sku, stock: 50, remaining: 50, perBuyerLimit: 2 });

    // Saturday 19:30Z: Saturday's occurrence is on, Sunday's (summer time) is within a day.
    clock.set(Date.parse('2026-03-28T19:30:00Z'));
    expect(await t.fm.services.parties.scheduleDue()).toBe(2);
    expect(await t.fm.services.parties.scheduleDue()).toBe(0);
    const later = (await t.http('GET', `/api/parties/${party.id}`)).json();
    expect(later.sales.map((s: { startsAt: string; status: string }) => [s.startsAt, s.status])).toEqual([
      ['2026-03-28T19:00:00.000Z', 'live'],
      ['2026-03-29T18:00:00.000Z', 'scheduled'],
    ]);
    expect(await partySales(party.id)).toEqual([
      '2026-03-27T19:00:00.000Z',
      '2026-03-28T19:00:00.000Z',
      '2026-03-29T18:00:00.000Z',
    ]);

    // The live occurrence is an ordinary sale: buyers claim from its own fresh stock.
    const [buyer] = await makeBuyers(t.fm, 1);
    const claim = await t.http('POST', `/api/sales/${later.sales[0].id}/claims`, {
      token: buyer?.token,
      body: { sku, quantity: 2, idempotencyKey: 'sat-1' },
    });
    expect(claim.statusCode).toBe(201);
    expect((await t.http('GET', `/api/sales/${later.sales[0].id}`)).json().items[0].remaining).toBe(48);
    expect((await t.http('GET', `/api/sales/${later.sales[1].id}`)).json().items[0].remaining).toBe(50);

    const listed = (await t.http('GET', `/api/parties?host=${host.id}`)).json();
    expect(listed.map((p: { id: string }) => p.id)).toContain(party.id);
  });

  it('parties - schedulers ticking at once (several nodes) create each occurrence once', async () => {
    clock.set(Date.parse('2026-06-01T08:00:00Z'));
    const sku = await product();
    const party = await t.fm.services.parties.create(
      { id: host.id, role: 'host', guest: false },
      {
        title: 'Hourly-ish',
        recurrence: { frequency: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], time: '09:15', timeZone: 'UTC' },
        durationMinutes: 30,
        items: [{ sku, stock: 5, perBuyerLimit: 1 }],
        startsOn: '2026-06-02T00:00:00Z',
      },
    );
    expect(party.sales).toEqual([]); // startsOn is tomorrow
    clock.set(Date.parse('2026-06-02T10:00:00Z'));
    const all = async () =>
      (
        await t.fm.store.query<{ n: number }>(
          'select count(*)::int as n from sales where party_id is not null',
        )
      )[0]?.n ?? 0;
    const before = await all();
    const created = await Promise.all([1, 2, 3, 4].map(() => t.fm.services.parties.scheduleDue()));
    expect(await partySales(party.id)).toEqual(['2026-06-03T09:15:00.000Z']);
    // Each sale counted by the one tick that made it (other parties of this suite are due too).
    expect(created.reduce((a, b) => a + b, 0)).toBe((await all()) - before);
  });

  it('parties - weekly on Mondays and Fridays in New York; paused creates nothing, resumed catches up, ended is final', async () => {
    clock.set(Date.parse('2026-03-06T12:00:00Z')); // Friday; New York springs forward on Sunday 8 March
    const sku = await product();
    const other = await makeUser(t.fm, 'host');
    const created = await t.http('POST', '/api/parties', {
      token: host.token,
      body: {
        title: 'Mon & Fri 6pm',
        recurrence: { frequency: 'weekly', weekdays: [5, 1], time: '18:00', timeZone: 'America/New_York' },
        durationMinutes: 90,
        items: [{ sku, stock: 10, perBuyerLimit: 1 }],
      },
    });
    expect(created.statusCode).toBe(201);
    const party = created.json();
    expect(party.recurrence.weekdays).toEqual([1, 5]);
    expect(party.nextOccurrences.slice(0, 3)).toEqual([
      '2026-03-06T23:00:00.000Z', // Friday 18:00 EST
      '2026-03-09T22:00:00.000Z', // Monday 18:00 EDT
      '2026-03-13T22:00:00.000Z',
    ]);
    expect(await partySales(party.id)).toEqual(['2026-03-06T23:00:00.000Z']);

    const path = `/api/parties/${party.id}`;
    const foreign = await t.http('PATCH', path, { token: other.token, body: { state: 'paused' } });
    expect([foreign.statusCode, foreign.json().code]).toEqual([403, 'forbidden']);
    const paused = await t.http('PATCH', path, { token: host.token, body: { state: 'paused' } });
    expect(paused.json()).toMatchObject({ state: 'paused', nextOccurrences: [] });

    clock.set(Date.parse('2026-03-09T01:00:00Z'));
    expect(await t.fm.services.parties.scheduleDue()).toBe(0);
    expect(await partySales(party.id)).toEqual(['2026-03-06T23:00:00.000Z']);
    const listedPaused = (await t.http('GET', `/api/parties?state=paused&host=${host.id}`)).json();
    expect(listedPaused.map((p: { id: string }) => p.id)).toEqual([party.id]);

    const resumed = await t.http('PATCH', path, { token: host.token, body: { state: 'active' } });
    expect(resumed.json().state).toBe('active');
    expect(await partySales(party.id)).toEqual(['2026-03-06T23:00:00.000Z', '2026-03-09T22:00:00.000Z']);

    const ended = await t.http('DELETE', path, { token: host.token });
    expect(ended.json()).toMatchObject({ state: 'ended', nextOccurrences: [] });
    // Its sales already made stay on.
    expect(ended.json().sales.map((s: { startsAt: string }) => s.startsAt)).toEqual([
      '2026-03-09T22:00:00.000Z',
    ]);
    const again = await t.http('PATCH', path, { token: host.token, body: { state: 'active' } });
    expect([again.statusCode, again.json().code]).toEqual([409, 'party_ended']);
    clock.set(Date.parse('2026-03-13T01:00:00Z'));
    expect(await t.fm.services.parties.scheduleDue()).toBe(0);
  });

  it('parties - bad input gets a 4xx problem and creates nothing', async () => {
    clock.set(Date.parse('2026-05-01T12:00:00Z'));
    const rogue = await makeUser(t.fm, 'host');
    const sku = await product(rogue);
    const theirs = await product(host);
    const [buyer] = await makeBuyers(t.fm, 1);
    const base = {
      title: 'Bad',
      recurrence: { frequency: 'daily', time: '20:00', timeZone: 'Europe/Paris' },
      durationMinutes: 60,
      items: [{ sku, stock: 5, perBuyerLimit: 1 }],
    };
    const cases: Array<[string, unknown, number, string, string?]> = [
      [
        'unknown zone',
        { ...base, recurrence: { ...base.recurrence, timeZone: 'Mars/Olympus' } },
        422,
        'invalid_party',
      ],
      [
        'weekly, no days',
        { ...base, recurrence: { ...base.recurrence, frequency: 'weekly' } },
        422,
        'invalid_party',
      ],
      ['bad time', { ...base, recurrence: { ...base.recurrence, time: '24:00' } }, 400, 'validation_failed'],
      [
        'duplicate weekdays',
        { ...base, recurrence: { ...base.recurrence, frequency: 'weekly', weekdays: [1, 5, 1] } },
        422,
        'invalid_party',
      ],
      [
        'weekday 7',
        { ...base, recurrence: { ...base.recurrence, frequency: 'weekly', weekdays: [7] } },
        400,
        'validation_failed',
      ],
      ['zero minutes', { ...base, durationMinutes: 0 }, 400, 'validation_failed'],
      [
        'fractional stock',
        { ...base, items: [{ sku, stock: 1.5, perBuyerLimit: 1 }] },
        400,
        'validation_failed',
      ],
      [
        'unknown SKU',
        { ...base, items: [{ sku: 'NOPE-1', stock: 5, perBuyerLimit: 1 }] },
        422,
        'unknown_sku',
      ],
      [
        'another host’s SKU',
        { ...base, items: [{ sku: theirs, stock: 5, perBuyerLimit: 1 }] },
        403,
        'forbidden',
      ],
      ['SKU twice', { ...base, items: [base.items[0], base.items[0]] }, 422, 'invalid_party'],
      [
        'ends before it starts',
        { ...base, startsOn: '2026-06-01T00:00:00Z', endsOn: '2026-05-01T00:00:00Z' },
        422,
        'invalid_party',
      ],
      [
        'no occurrence in range',
        { ...base, startsOn: '2026-06-01T00:00:00Z', endsOn: '2026-06-01T10:00:00Z' },
        422,
        'invalid_party',
      ],
      ['unknown field', { ...base, color: 'red' }, 400, 'validation_failed'],
      ['malformed JSON', '{"title":', 400, 'malformed_json'],
      ['a buyer', base, 403, 'forbidden', buyer?.token],
      ['no token', base, 401, 'unauthenticated', ''],
    ];
    for (const [name, body, status, code, token] of cases) {
      const res = await t.http('POST', '/api/parties', {
        token: token === undefined ? rogue.token : token,
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect([name, res.statusCode, res.json().code], name).toEqual([name, status, code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http('GET', `/api/parties?host=${rogue.id}`)).json()).toEqual([]);
    const missing = await t.http('GET', '/api/parties/pty_doesnotexist0000');
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'not_found']);
    const badId = await t.http('PATCH', '/api/parties/nope', {
      token: rogue.token,
      body: { state: 'paused' },
    });
    expect(badId.statusCode).toBe(400);
  });
});
