import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOST_EMAIL, seedDemo } from '../../src/commands/seed-demo.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** What `npm start` shows on a fresh machine: the demo data, made once. */
describe.each(await storeKinds())('demo data (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ store: kind });
  });
  afterAll(() => t.close());

  it('demo - a host, a live sale, a sale about to open, a daily party, a live show with a product on screen and an upcoming show', async () => {
    const creds = await seedDemo(t.fm);
    expect(creds?.email).toBe(DEMO_HOST_EMAIL);
    expect(readFileSync(path.join(t.fm.config.dataDir, 'demo-credentials.txt'), 'utf8')).toContain(
      creds?.password as string,
    );
    const login = await t.http('POST', '/api/auth/login', {
      body: { email: DEMO_HOST_EMAIL, password: creds?.password },
    });
    expect(login.json().user.role).toBe('host');

    const live = (await t.http('GET', '/api/sales?status=live')).json();
    const upcoming = (await t.http('GET', '/api/sales?status=upcoming')).json();
    expect(live.map((s: any) => s.title)).toContain('Midnight Drop: Aurora Runner');
    expect(upcoming.map((s: any) => s.title)).toContain('Flash Hour: Beauty & Retro');

    const [party] = (await t.http('GET', '/api/parties')).json();
    expect(party).toMatchObject({ title: 'Vinyl Night Party', state: 'active', durationMinutes: 60 });
    expect(party.sales).toHaveLength(1);
    // Tonight's (or, between 20:00 and 21:00, the one on now): 20:00 on the machine's clock.
    const at = new Intl.DateTimeFormat('en-GB', {
      timeZone: party.recurrence.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(at.format(new Date(party.sales[0].startsAt))).toBe('20:00');
    expect(['scheduled', 'live']).toContain(party.sales[0].status);

    const liveShows = (await t.http('GET', '/api/shows?status=live')).json();
    const room = liveShows.find((s: any) => s.title === 'Sneaker Sunday LIVE');
    expect(room.featured).toMatchObject({ sku: 'AUR-RUN-43', remaining: 25, priceCents: 17_900 });
    const next = (await t.http('GET', '/api/shows?status=upcoming')).json();
    expect(next.map((s: any) => s.title)).toContain('Retro Gaming Night');

    // A second start changes nothing.
    expect(await seedDemo(t.fm)).toBeUndefined();
    expect((await t.http('GET', '/api/sales?status=live')).json()).toHaveLength(live.length);
  });
});
