import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitment, verifyDrawRecord } from '../../src/domain/fair-draw.ts';
import { SUBJECTS } from '../../src/modules/shows/chat-types.ts';
import { type Actor, makeBuyers, makeUser, SHIPPING } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket, type TestSocket } from '../helpers/ws-client.ts';

describe('live shows', () => {
  let t: TestApp;
  let base: string;
  let host: Actor;
  beforeAll(async () => {
    t = await createTestApp({ config: { port: 0, host: '127.0.0.1', wsTickMs: 50, showTickMs: 50 } });
    base = await t.fm.listen();
    host = await makeUser(t.fm, 'host');
  });
  afterAll(() => t.close());

  const room = async (showId: string, token?: string): Promise<TestSocket> => {
    const s = await openSocket(base, token ? { token } : {});
    s.send({ op: 'sub', ch: `show:${showId}` });
    await s.next((m) => m.ch === `show:${showId}` && m.ev === 'state');
    return s;
  };

  it('shows - schedule, list upcoming, go live, end; the room state follows', async () => {
    const { show } = await makeShow(t.fm, host, { live: false });
    expect(show.status).toBe('scheduled');
    expect((await t.http('GET', '/api/shows?status=upcoming')).json().map((s: any) => s.id)).toContain(
      show.id,
    );
    const viewer = await room(show.id);
    const live = await t.http('POST', `/api/shows/${show.id}/live`, { token: host.token });
    expect(live.json().status).toBe('live');
    await viewer.next((m) => m.ev === 'state' && m.data.show.status === 'live');
    expect((await t.http('GET', '/api/shows?status=live')).json().map((s: any) => s.id)).toContain(show.id);
    await t.http('POST', `/api/shows/${show.id}/end`, { token: host.token });
    await viewer.next((m) => m.ev === 'state' && m.data.show.status === 'ended');
    viewer.close();
  });

  it('shows - the featured product, bought by a crowd through the claim engine: no oversell', async () => {
    const { show, skus } = await makeShow(t.fm, host);
    const pinned = await t.http('POST', `/api/shows/${show.id}/feature`, {
      token: host.token,
      body: { sku: skus[0], stock: 40, priceCents: 1_500, perBuyerLimit: 2 },
    });
    expect(pinned.json().featured).toMatchObject({ sku: skus[0], remaining: 40, priceCents: 1_500 });
    const viewer = await room(show.id);
    const buyers = await makeBuyers(t.fm, 60);
    const results = await Promise.all(
      buyers.flatMap((b) =>
        [1, 2].map((k) =>
          t.http('POST', `/api/sales/${show.saleId}/claims`, {
            token: b.token,
            body: { sku: skus[0], quantity: 1, idempotencyKey: `f${k}` },
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(40);
    expect(results.every((r) => r.statusCode === 201 || r.json().code === 'sold_out')).toBe(true);
    await viewer.next((m) => m.ev === 'state' && m.data.show.featured?.remaining === 0);
    const [item] = await t.fm.store.query<{ remaining: number; held: number }>(
      `select remaining, (select coalesce(sum(quantity), 0)::int from reservations where sale_item_id = i.id) as held
       from sale_items i where sale_id = $1 and sku = $2`,
      [show.saleId, skus[0]],
    );
    expect(item).toEqual({ remaining: 0, held: 40 });
    viewer.close();
  });

  it('shows - unpin and pin another: the old one is no longer on sale', async () => {
    const { show, skus } = await makeShow(t.fm, host, { skus: 2 });
    await t.http('POST', `/api/shows/${show.id}/feature`, {
      token: host.token,
      body: { sku: skus[0], stock: 5, priceCents: 100, perBuyerLimit: 1 },
    });
    await t.http('POST', `/api/shows/${show.id}/feature`, {
      token: host.token,
      body: { sku: skus[1], stock: 5, priceCents: 200, perBuyerLimit: 1 },
    });
    const [b] = await makeBuyers(t.fm, 1);
    const old = await t.http('POST', `/api/sales/${show.saleId}/claims`, {
      token: b?.token,
      body: { sku: skus[0], quantity: 1, idempotencyKey: 'o' },
    });
    expect(old.statusCode).toBe(422); // unknown_sku: not on sale any more
    const now = await t.http('POST', `/api/sales/${show.saleId}/claims`, {
      token: b?.token,
      body: { sku: skus[1], quantity: 1, idempotencyKey: 'n' },
    });
    expect(now.statusCode).toBe(201);
    const off = await t.http('DELETE', `/api/shows/${show.id}/feature`, { token: host.token });
    expect(off.json().featured).toBeNull();
  });

  it('shows - a chat burst beyond what anyone reads: one frame per tick with the newest lines, the rest counted as dropped', async () => {
    const { show } = await makeShow(t.fm, host);
    const viewer = await room(show.id);
    // 100 lines in one go (as nodes relay them on the bus), within one tick of 50 ms: the cap
    // is 400 lines a second, 20 a tick.
    const lines = Array.from({ length: 100 }, (_, i) => ({
      id: `msg_burst${String(i).padStart(11, '0')}`,
      showId: show.id,
      userId: null,
      userName: `fan${i}`,
      text: `line ${i}`,
      kind: 'chat',
      flagged: false,
      at: new Date().toISOString(),
    }));
    for (const line of lines) t.fm.bus.publish(SUBJECTS.chat, line);
    const frame = await viewer.next(
      (m) => m.ev === 'chat' && m.data.messages.some((x: any) => x.text === 'line 99'),
    );
    expect(frame.data.messages.map((x: any) => x.text)).toEqual(lines.slice(80).map((l) => l.text));
    expect(frame.data.dropped).toBe(80);
    viewer.close();
  });

  it('shows - chat: history on join, per-user rate limit, slow mode, profanity masked, delete', async () => {
    const { show } = await makeShow(t.fm, host);
    const [a, b] = await makeBuyers(t.fm, 2);
    const say = (who: Actor, text: string) =>
      t.http('POST', `/api/shows/${show.id}/chat`, { token: who.token, body: { text } });
    expect((await say(a as Actor, 'first!')).statusCode).toBe(201);
    const viewer = await room(show.id, b?.token);
    const history = await viewer.next((m) => m.ev === 'chat.history');
    expect(history.data.messages.map((m: any) => m.text)).toContain('first!');
    // five lines in ten seconds, then the sixth is refused
    for (let i = 0; i < 4; i++) expect((await say(a as Actor, `line ${i}`)).statusCode).toBe(201);
    const sixth = await say(a as Actor, 'one too many');
    expect([sixth.statusCode, sixth.json().code]).toEqual([429, 'chat_rate_limited']);
    expect(sixth.json().retryAfterMs).toBeGreaterThan(0);
    // obfuscated profanity is masked, and flagged
    const rude = (await say(b as Actor, 'this is sh1t')).json();
    expect(rude.flagged).toBe(true);
    expect(rude.text).not.toContain('sh1t');
    const lines = await viewer.next(
      (m) => m.ev === 'chat' && m.data.messages.some((x: any) => x.id === rude.id),
    );
    expect(lines.data.messages.find((x: any) => x.id === rude.id).text).toBe(rude.text);
    // slow mode: one line per 30 s per viewer; the host is not held back
    await t.http('PATCH', `/api/shows/${show.id}`, { token: host.token, body: { slowModeSeconds: 30 } });
    await new Promise((r) => setTimeout(r, 1_100)); // the show settings are cached for a second
    const [c] = await makeBuyers(t.fm, 1);
    expect((await say(c as Actor, 'hello')).statusCode).toBe(201);
    const slow = await say(c as Actor, 'hello again');
    expect([slow.statusCode, slow.json().code]).toEqual([429, 'slow_mode']);
    expect((await say(host, 'welcome all')).statusCode).toBe(201);
    expect((await say(host, 'and again')).json().kind).toBe('announcement');
    // a moderator deletes a line; viewers are told
    expect(
      (await t.http('DELETE', `/api/shows/${show.id}/chat/${rude.id}`, { token: a?.token })).statusCode,
    ).toBe(403);
    expect(
      (await t.http('DELETE', `/api/shows/${show.id}/chat/${rude.id}`, { token: host.token })).statusCode,
    ).toBe(204);
    await viewer.next((m) => m.ev === 'chat.deleted' && m.data.id === rude.id);
    viewer.close();
  });

  it('shows - mute and ban are enforced (HTTP and WebSocket) until lifted', async () => {
    const { show } = await makeShow(t.fm, host);
    const [a, b] = await makeBuyers(t.fm, 2);
    const mod = (who: string, action: string) =>
      t.http('POST', `/api/shows/${show.id}/moderation`, {
        token: host.token,
        body: { userId: who, action },
      });
    expect(
      (
        await t.http('POST', `/api/shows/${show.id}/moderation`, {
          token: b?.token,
          body: { userId: a?.id, action: 'ban' },
        })
      ).statusCode,
    ).toBe(403);
    expect((await mod(a?.id as string, 'mute')).statusCode).toBe(204);
    const muted = await t.http('POST', `/api/shows/${show.id}/chat`, {
      token: a?.token,
      body: { text: 'hi' },
    });
    expect([muted.statusCode, muted.json().code]).toEqual([403, 'muted']);
    // b watches the room; banning b closes b's socket and keeps b out of the room and its actions.
    const ws = await room(show.id, b?.token);
    await mod(b?.id as string, 'ban');
    expect((await ws.closed).code).toBe(4010);
    const again = await openSocket(base, { token: b?.token as string });
    again.send({ op: 'sub', ch: `show:${show.id}` });
    expect((await again.next((m) => m.op === 'error')).code).toBe('banned');
    again.close();
    const react = await t.http('POST', `/api/shows/${show.id}/reactions`, {
      token: b?.token,
      body: { type: 'heart' },
    });
    expect([react.statusCode, react.json().code]).toEqual([403, 'banned']);
    await mod(a?.id as string, 'unmute');
    expect(
      (await t.http('POST', `/api/shows/${show.id}/chat`, { token: a?.token, body: { text: 'back' } }))
        .statusCode,
    ).toBe(201);
    expect((await mod(host.id, 'ban')).statusCode).toBe(403);
  });

  it('shows - reactions reach viewers as totals per tick, never one frame per reaction', async () => {
    const { show } = await makeShow(t.fm, host);
    const viewer = await room(show.id);
    const [a] = await makeBuyers(t.fm, 1);
    const before = viewer.messages.length;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 100 }, () =>
        t.http('POST', `/api/shows/${show.id}/reactions`, { token: a?.token, body: { type: 'heart' } }),
      ),
    );
    const done = await viewer.next((m) => m.ev === 'state' && m.data.reactions.heart === 100, 5_000);
    expect(done.data.reactions.heart).toBe(100);
    const frames = viewer.messages.slice(before).filter((m) => m.ev === 'state').length;
    const ticks = Math.ceil((Date.now() - started) / 50) + 2;
    expect(frames).toBeLessThanOrEqual(ticks);
    expect(frames).toBeLessThan(100);
    viewer.close();
  });

  it('shows - reactions: 404 for no such show, 410 once it has ended, fine before it goes live', async () => {
    const [a] = await makeBuyers(t.fm, 1);
    const react = (showId: string) =>
      t.http('POST', `/api/shows/${showId}/reactions`, { token: a?.token, body: { type: 'heart' } });
    const missing = await react('shw_0000000000000000');
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'not_found']);
    const { show } = await makeShow(t.fm, host, { live: false });
    expect((await react(show.id)).statusCode).toBe(202);
    // A show that has ended (a fresh one: the route sees a show's status up to 1 s late, as chat does).
    const { show: over } = await makeShow(t.fm, host);
    await t.http('POST', `/api/shows/${over.id}/end`, { token: host.token });
    const ended = await react(over.id);
    expect([ended.statusCode, ended.json().code]).toEqual([410, 'show_ended']);
  });

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

  it('shows - a giveaway draws only among its entrants, gives a free order, and proves it', async () => {
    const { show, skus } = await makeShow(t.fm, host);
    const g = (
      await t.http('POST', `/api/shows/${show.id}/giveaways`, {
        token: host.token,
        body: { sku: skus[0], durationSeconds: 60 },
      })
    ).json();
    // Commit before anyone enters: the seed's hash is public, the seed is not.
    expect(g.seedHash).toMatch(/^[0-9a-f]{64}$/);
    const early = (await t.http('GET', `/api/giveaways/${g.id}/proof`)).json();
    expect([early.seed, early.seedHash, early.algorithm]).toEqual([null, g.seedHash, 'flashmob-draw-v1']);
    const entrants = await makeBuyers(t.fm, 5);
    const [outsider] = await makeBuyers(t.fm, 1);
    for (const e of entrants)
      expect((await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: e.token })).statusCode).toBe(
        201,
      );
    expect(
      (await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: entrants[0]?.token })).json()
        .alreadyEntered,
    ).toBe(true);
    expect(
      (await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: entrants[0]?.token })).statusCode,
    ).toBe(403);
    const drawn = (await t.http('POST', `/api/giveaways/${g.id}/draw`, { token: host.token })).json();
    expect(entrants.map((e) => e.id)).toContain(drawn.winnerId);
    expect(drawn.entrants).toBe(5);
    const order = await t.fm.services.orders.get(drawn.orderId);
    expect(order).toMatchObject({ buyerId: drawn.winnerId, totalCents: 0, source: 'giveaway' });
    // Paid (nothing to pay), then packed by the pipeline; it waits there for the winner's address.
    expect(['paid', 'packed']).toContain(order?.state);
    const proofIn = (
      await t.http('GET', `/api/giveaways/${g.id}/proof`, { token: entrants[2]?.token })
    ).json();
    expect(proofIn).toMatchObject({ entrantCount: 5, youEntered: true, verified: true });
    expect(proofIn.entrants[proofIn.winnerIndex]).toBe(drawn.winnerId);
    // Reveal: anyone recomputes the winner from the seed and the list; one changed entrant fails.
    expect(commitment(proofIn.seed)).toBe(g.seedHash);
    expect(verifyDrawRecord(proofIn)).toEqual({ ok: true });
    const forged = [...proofIn.entrants.slice(1), 'usr_zzzzzzzzzzzzzzzz'];
    expect(verifyDrawRecord({ ...proofIn, entrants: forged }).ok).toBe(false);
    const proofOut = (await t.http('GET', `/api/giveaways/${g.id}/proof`, { token: outsider?.token })).json();
    expect(proofOut.youEntered).toBe(false);
    const closed = (
      await t.http('POST', `/api/giveaways/${g.id}/entries`, { token: outsider?.token })
    ).json();
    expect(closed).toMatchObject({ code: 'giveaway_closed', opensAt: g.opensAt });
    // Closed at the draw, not at the end of the window it was opened with.
    expect(Date.parse(closed.closesAt)).toBeLessThanOrEqual(Date.parse(g.closesAt));
    expect(new Date(Date.parse(closed.closesAt)).toISOString()).toBe(closed.closesAt);
    const ship = await t.http('PUT', `/api/orders/${drawn.orderId}/shipping`, {
      token: entrants.find((e) => e.id === drawn.winnerId)?.token,
      body: SHIPPING,
    });
    expect(ship.json().shipping.city).toBe(SHIPPING.city);
    await expect
      .poll(async () => (await t.fm.services.orders.get(drawn.orderId))?.state, { timeout: 5_000 })
      .toBe('shipped');
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
    await new Promise((r) => setTimeout(r, 1_100));
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
    await new Promise((r) => setTimeout(r, 200));
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
