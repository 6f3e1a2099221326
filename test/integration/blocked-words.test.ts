import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { type Actor, makeBuyers, makeUser } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** The chat keeps a show's settings for a second (chat.ts SHOW_CACHE_MS). */
const PAST_SHOW_CACHE_MS = 1_001;

describe.each(await storeKinds())('blocked words (%s)', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  let host: Actor;
  let viewer: Actor;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await createTestApp({ store: kind, clock, start: false });
    host = await makeUser(t.fm, 'host');
    [viewer] = (await makeBuyers(t.fm, 1)) as [Actor];
  });
  afterAll(() => t?.close());

  const setList = (showId: string, blockedWords: unknown, token = host.token) =>
    t.http('PATCH', `/api/shows/${showId}`, { token, body: { blockedWords } });
  const say = async (showId: string, text: string) => {
    clock.advance(2_000); // past slow mode and the burst limit: each line is judged on its words
    const res = await t.http('POST', `/api/shows/${showId}/chat`, { token: viewer.token, body: { text } });
    expect(res.statusCode).toBe(201);
    return res.json() as { text: string; flagged: boolean };
  };

  it('blocked words - the host sets a list; it is stored folded and returned on the show', async () => {
    const { show } = await makeShow(t.fm, host);
    const res = await setList(show.id, ['  Scam ', 'SCAM', 'DM   me']);
    expect(res.statusCode).toBe(200);
    expect(res.json().blockedWords).toEqual(['scam', 'dm me']);
    expect((await t.http('GET', `/api/shows/${show.id}`)).json().blockedWords).toEqual(['scam', 'dm me']);
  });

  it('blocked words - chat lines holding a listed word in disguise are masked and flagged', async () => {
    const { show } = await makeShow(t.fm, host);
    await setList(show.id, ['scam', 'dm me']);
    clock.advance(PAST_SHOW_CACHE_MS);
    for (const [line, masked] of [
      ['total 5c4m!', 'total ****!'],
      ['s c a m', '*******'],
      ['ЅСАМ alert', '**** alert'],
      ['scaaaam', '*******'],
      ['pls DM-ME', 'pls *****'],
    ] as const) {
      expect(await say(show.id, line)).toMatchObject({ text: masked, flagged: true });
    }
    for (const clean of ['scampi tonight?', 'Scunthorpe', 'classic fit']) {
      expect(await say(show.id, clean)).toMatchObject({ text: clean, flagged: false });
    }
  });

  it('blocked words - an empty list masks nothing more than profanity', async () => {
    const { show } = await makeShow(t.fm, host);
    await setList(show.id, ['scam']);
    clock.advance(PAST_SHOW_CACHE_MS);
    expect((await say(show.id, 'scam')).flagged).toBe(true);
    expect((await setList(show.id, [])).json().blockedWords).toEqual([]);
    clock.advance(PAST_SHOW_CACHE_MS);
    expect(await say(show.id, 'scam')).toMatchObject({ text: 'scam', flagged: false });
    expect((await say(show.id, 'sh1t')).flagged).toBe(true);
  });

  it('blocked words - the list is validated: count, length, something to read', async () => {
    const { show } = await makeShow(t.fm, host);
    const refused = async (list: unknown) => {
      const res = await setList(show.id, list);
      return [res.statusCode, res.json().code];
    };
    expect(await refused(Array.from({ length: 201 }, (_, i) => `w${i}`))).toEqual([400, 'validation_failed']);
    expect(await refused(['x'.repeat(41)])).toEqual([400, 'validation_failed']);
    expect(await refused([''])).toEqual([400, 'validation_failed']);
    expect(await refused('scam')).toEqual([400, 'validation_failed']);
    const dashes = await setList(show.id, ['scam', '-- ..']);
    expect([dashes.statusCode, dashes.json().errors]).toEqual([
      400,
      [{ path: 'body.blockedWords', message: 'A blocked word needs a letter or a digit' }],
    ]);
    expect((await t.http('GET', `/api/shows/${show.id}`)).json().blockedWords).toEqual([]);
    expect(
      (
        await setList(
          show.id,
          Array.from({ length: 200 }, (_, i) => `w${i}`),
        )
      ).statusCode,
    ).toBe(200);
  });

  it('blocked words - only the show’s host sets the list', async () => {
    const { show } = await makeShow(t.fm, host);
    const res = await setList(show.id, ['scam'], viewer.token);
    expect([res.statusCode, res.json().code]).toEqual([403, 'forbidden']);
  });
});
