import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, makeBuyers, makeUser } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import type { SkippingClock } from '../helpers/clock.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { joinShowRoom, openShowStage } from '../helpers/show-room.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

const kinds = await storeKinds();

describe.each(kinds)('live shows: polls, comment to buy, FAQ, follows (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let host: Actor;
  let clock: SkippingClock;
  beforeAll(async () => {
    ({ t, base, host, clock } = await openShowStage(kind));
  });
  afterAll(() => t.close());

  const room = (showId: string, token?: string) => joinShowRoom(base, showId, token);

  it('shows - a poll takes one vote per viewer and its live results reach the room', async () => {
    const { show } = await makeShow(t.fm, host);
    const viewer = await room(show.id);
    const poll = (
      await t.http('POST', `/api/shows/${show.id}/polls`, {
        token: host.token,
        body: { question: 'Which colour?', options: ['Red', 'Blue'] },
      })
    ).json();
    const voters = await makeBuyers(t.fm, 3);
    for (const [i, v] of voters.entries()) {
      expect(
        (
          await t.http('POST', `/api/polls/${poll.id}/votes`, {
            token: v.token,
            body: { option: i === 0 ? 0 : 1 },
          })
        ).statusCode,
      ).toBe(201);
    }
    const again = await t.http('POST', `/api/polls/${poll.id}/votes`, {
      token: voters[0]?.token,
      body: { option: 1 },
    });
    expect([again.statusCode, again.json().code, again.json().optionIndex]).toEqual([
      409,
      'already_voted',
      0,
    ]);
    const live = await viewer.next((m) => m.ev === 'state' && m.data.poll?.results.total === 3);
    expect(live.data.poll.results.options.map((o: any) => o.percent)).toEqual([33, 67]);
    await t.http('POST', `/api/polls/${poll.id}/close`, { token: host.token });
    const [late] = await makeBuyers(t.fm, 1);
    expect(
      (
        await t.http('POST', `/api/polls/${poll.id}/votes`, { token: late?.token, body: { option: 0 } })
      ).json().code,
    ).toBe('poll_closed');
    expect(
      (await t.http('POST', `/api/polls/${poll.id}/votes`, { token: late?.token, body: { option: 9 } }))
        .statusCode,
    ).toBe(400);
    // Within the schema's 0–5, but this poll has 3 options.
    const other = (
      await t.http('POST', `/api/shows/${show.id}/polls`, {
        token: host.token,
        body: { question: 'Size?', options: ['S', 'M', 'L'] },
      })
    ).json();
    const missing = await t.http('POST', `/api/polls/${other.id}/votes`, {
      token: late?.token,
      body: { option: 4 },
    });
    expect([missing.statusCode, missing.json().code, missing.json().optionCount]).toEqual([
      422,
      'invalid_option',
      3,
    ]);
    viewer.close();
  });

  it('shows - comment to buy: the keyword in chat claims one unit; the buyer hears back on their channel', async () => {
    const { show, skus } = await makeShow(t.fm, host);
    await t.http('POST', `/api/shows/${show.id}/feature`, {
      token: host.token,
      body: { sku: skus[0], stock: 1, priceCents: 900, perBuyerLimit: 1 },
    });
    await t.http('PATCH', `/api/shows/${show.id}`, {
      token: host.token,
      body: { commentToBuy: true, keyword: 'Sold' },
    });
    clock.advance(1_100); // the show settings are cached for a second
    const [a, b] = await makeBuyers(t.fm, 2);
    const socketA = await openSocket(base, { token: a?.token });
    socketA.send({ op: 'sub', ch: 'user' });
    await socketA.next((m) => m.ev === 'reset');
    const socketB = await openSocket(base, { token: b?.token });
    socketB.send({ op: 'sub', ch: 'user' });
    await socketB.next((m) => m.ev === 'reset');
    await t.http('POST', `/api/shows/${show.id}/chat`, { token: a?.token, body: { text: ' SOLD ' } });
    const won = await socketA.next((m) => m.ev === 'comment_to_buy');
    expect(won.data).toMatchObject({ ok: true, reservation: { sku: skus[0], quantity: 1 } });
    await t.http('POST', `/api/shows/${show.id}/chat`, { token: b?.token, body: { text: 'sold' } });
    const lost = await socketB.next((m) => m.ev === 'comment_to_buy');
    expect(lost.data).toMatchObject({ ok: false, code: 'sold_out' });
    await t.http('POST', `/api/shows/${show.id}/chat`, { token: b?.token, body: { text: 'sold out?' } });
    socketA.close();
    socketB.close();
  });

  it('shows - the FAQ bot answers a matching question; other buyer questions land on the host’s radar', async () => {
    const { show } = await makeShow(t.fm, host);
    await t.http('POST', `/api/shows/${show.id}/faqs`, {
      token: host.token,
      body: { question: 'How long does shipping take?', answer: 'We ship in 2 days, delivery in 3–5.' },
    });
    const hostView = await openSocket(base, { token: host.token });
    hostView.send({ op: 'sub', ch: `show:${show.id}:host` });
    await hostView.next((m) => m.ch === `show:${show.id}:host` && m.ev === 'state');
    const viewer = await room(show.id);
    const [a] = await makeBuyers(t.fm, 1);
    await t.http('POST', `/api/shows/${show.id}/chat`, {
      token: a?.token,
      body: { text: 'how long does shipping take?' },
    });
    const bot = await viewer.next(
      (m) => m.ev === 'chat' && m.data.messages.some((x: any) => x.kind === 'bot'),
    );
    expect(bot.data.messages.find((x: any) => x.kind === 'bot').text).toContain('We ship in 2 days');
    await t.http('POST', `/api/shows/${show.id}/chat`, {
      token: a?.token,
      body: { text: 'what size is the model wearing?' },
    });
    const radar = await hostView.next(
      (m) => m.ev === 'state' && m.data.questions.some((q: any) => q.text.includes('what size')),
    );
    const q = radar.data.questions.find((x: any) => x.text.includes('what size'));
    expect(q.topics).toContain('size');
    const listed = (await t.http('GET', `/api/shows/${show.id}/questions`, { token: host.token })).json();
    expect(listed.map((x: any) => x.id)).toContain(q.id);
    expect((await t.http('GET', `/api/shows/${show.id}/questions`, { token: a?.token })).statusCode).toBe(
      403,
    );
    await t.http('POST', `/api/shows/${show.id}/questions/${q.id}/answered`, { token: host.token });
    expect(
      (await t.http('GET', `/api/shows/${show.id}/questions`, { token: host.token }))
        .json()
        .map((x: any) => x.id),
    ).not.toContain(q.id);
    const buyerHost = await openSocket(base, { token: a?.token });
    buyerHost.send({ op: 'sub', ch: `show:${show.id}:host` });
    expect((await buyerHost.next((m) => m.op === 'error')).code).toBe('forbidden');
    for (const s of [hostView, viewer, buyerHost]) s.close();
  });

  it('shows - follow a host; their followers are listed for the host and hear when the host goes live', async () => {
    const fan = await makeUser(t.fm, 'buyer');
    const before = await t.http('GET', `/api/hosts/${host.id}/follow`, { token: fan.token });
    expect(before.json()).toMatchObject({ following: false });
    expect((await t.http('GET', `/api/hosts/${host.id}/follow`)).statusCode).toBe(401);
    const res = await t.http('POST', `/api/hosts/${host.id}/follow`, { token: fan.token });
    expect(res.json()).toMatchObject({ following: true, followers: before.json().followers + 1 });
    // What the room's Follow button reads: the fan's own state and the count.
    expect((await t.http('GET', `/api/hosts/${host.id}/follow`, { token: fan.token })).json()).toEqual(
      res.json(),
    );
    const list = (await t.http('GET', `/api/hosts/${host.id}/followers`, { token: host.token })).json();
    expect(list.map((f: any) => f.id)).toContain(fan.id);
    expect((await t.http('GET', `/api/hosts/${host.id}/followers`, { token: fan.token })).statusCode).toBe(
      403,
    );
    expect((await t.http('POST', `/api/hosts/${fan.id}/follow`, { token: host.token })).statusCode).toBe(404);

    // The host goes live: a follower who is online hears it on their user channel; others do not.
    const stranger = await makeUser(t.fm, 'buyer');
    const listen = async (u: Actor) => {
      const s = await openSocket(base, { token: u.token });
      s.send({ op: 'sub', ch: 'user' });
      await s.next((m) => m.ch === 'user' && m.ev === 'reset');
      return s;
    };
    const fanSocket = await listen(fan);
    const strangerSocket = await listen(stranger);
    const { show } = await makeShow(t.fm, host, { live: false });
    await t.http('POST', `/api/shows/${show.id}/live`, { token: host.token });
    const notice = await fanSocket.next((m) => m.ch === 'user' && m.ev === 'host.live', 3_000);
    expect(notice.data).toEqual({ showId: show.id, hostId: host.id, title: show.title });
    // Each node tells its followers in one go: a notice for the stranger would have been written
    // before the answer to this ping.
    strangerSocket.send({ op: 'ping', id: 1 });
    await strangerSocket.next((m) => m.op === 'pong' && m.id === 1);
    expect(strangerSocket.messages.some((m) => m.ev === 'host.live')).toBe(false);
    fanSocket.close();
    strangerSocket.close();

    expect(
      (await t.http('DELETE', `/api/hosts/${host.id}/follow`, { token: fan.token })).json().following,
    ).toBe(false);
    expect((await t.http('GET', `/api/hosts/${host.id}/follow`, { token: fan.token })).json().following).toBe(
      false,
    );
  });

  it('shows - bad input on the new routes is a 4xx problem with a code; host actions refuse buyers', async () => {
    const { show } = await makeShow(t.fm, host);
    const buyer = await makeUser(t.fm, 'buyer');
    const cases: Array<[string, string, { token?: string; body?: unknown }, number, string]> = [
      [
        'POST',
        '/api/shows',
        { token: buyer.token, body: { title: 'x', startsAt: new Date().toISOString() } },
        403,
        'forbidden',
      ],
      [
        'POST',
        '/api/shows',
        { token: host.token, body: { title: '', startsAt: 'tomorrow' } },
        400,
        'validation_failed',
      ],
      ['POST', `/api/shows/${show.id}/live`, { token: buyer.token }, 403, 'forbidden'],
      [
        'POST',
        `/api/shows/${show.id}/feature`,
        { token: host.token, body: { sku: 'NOPE', stock: 1, priceCents: 1, perBuyerLimit: 1 } },
        422,
        'unknown_sku',
      ],
      [
        'POST',
        `/api/shows/${show.id}/feature`,
        { token: host.token, body: { sku: 'X', stock: -1, priceCents: 1, perBuyerLimit: 1 } },
        400,
        'validation_failed',
      ],
      [
        'POST',
        `/api/shows/${show.id}/chat`,
        { token: buyer.token, body: { text: 'x'.repeat(301) } },
        400,
        'validation_failed',
      ],
      ['POST', `/api/shows/${show.id}/chat`, { body: { text: 'hi' } }, 401, 'unauthenticated'],
      [
        'POST',
        `/api/shows/${show.id}/reactions`,
        { token: buyer.token, body: { type: 'poo' } },
        400,
        'validation_failed',
      ],
      [
        'POST',
        `/api/shows/${show.id}/polls`,
        { token: host.token, body: { question: 'q', options: ['only one'] } },
        400,
        'validation_failed',
      ],
      [
        'POST',
        `/api/shows/${show.id}/polls`,
        { token: buyer.token, body: { question: 'q', options: ['a', 'b'] } },
        403,
        'forbidden',
      ],
      [
        'POST',
        `/api/shows/${show.id}/giveaways`,
        { token: host.token, body: { sku: 'NOPE', durationSeconds: 30 } },
        422,
        'unknown_sku',
      ],
      [
        'POST',
        `/api/shows/${show.id}/auctions`,
        {
          token: host.token,
          body: { sku: 'X', startCents: 0, incrementCents: 1, durationSeconds: 60, suddenDeath: true },
        },
        400,
        'validation_failed',
      ],
      [
        'POST',
        '/api/auctions/auc_0000000000000000/bids',
        { token: buyer.token, body: { amountCents: 100 } },
        404,
        'not_found',
      ],
      [
        'POST',
        '/api/auctions/auc_0000000000000000/bids',
        { token: buyer.token, body: { amountCents: 1.5 } },
        400,
        'validation_failed',
      ],
      ['GET', '/api/shows/shw_0000000000000000', {}, 404, 'not_found'],
      [
        'PATCH',
        `/api/shows/${show.id}`,
        { token: host.token, body: { slowModeSeconds: -5 } },
        400,
        'validation_failed',
      ],
      [
        'POST',
        `/api/shows/${show.id}/moderation`,
        { token: host.token, body: { userId: buyer.id, action: 'exile' } },
        400,
        'validation_failed',
      ],
      [
        'POST',
        `/api/shows/${show.id}/faqs`,
        { token: buyer.token, body: { question: 'abc?', answer: 'x' } },
        403,
        'forbidden',
      ],
    ];
    for (const [method, url, opts, status, code] of cases) {
      const res = await t.http(method as 'POST', url, opts);
      expect([url, res.statusCode, res.json().code]).toEqual([url, status, code]);
      expect(String(res.headers['content-type'])).toMatch(/problem\+json/);
    }
  });
});
