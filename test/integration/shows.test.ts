import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBJECTS } from '../../src/modules/shows/chat-types.ts';
import { type Actor, makeBuyers } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import type { SkippingClock } from '../helpers/clock.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { joinShowRoom, openShowStage } from '../helpers/show-room.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

const kinds = await storeKinds();

describe.each(kinds)('live shows (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let host: Actor;
  let clock: SkippingClock;
  beforeAll(async () => {
    ({ t, base, host, clock } = await openShowStage(kind));
  });
  afterAll(() => t.close());

  const room = (showId: string, token?: string) => joinShowRoom(base, showId, token);

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
    clock.advance(1_100); // the show settings are cached for a second
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
});
