import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Flashmob } from '../app.ts';
import type { Principal } from '../modules/auth/index.ts';

export const DEMO_HOST_EMAIL = 'host@demo.flashmob.dev';

const PRODUCTS = [
  {
    title: 'Aurora Runner — Limited Drop',
    description: 'The sneaker everybody queues for: 500 pairs, numbered insoles.',
    imageUrl: '/demo/sneaker.svg',
    hashtags: ['sneakers', 'drop'],
    variants: [
      { sku: 'AUR-RUN-42', title: 'EU 42', priceCents: 18_900, currency: 'USD' },
      { sku: 'AUR-RUN-43', title: 'EU 43', priceCents: 18_900, currency: 'USD' },
    ],
  },
  {
    title: 'Midnight Vinyl — Signed Edition',
    description: 'Hand-signed 180 g pressing. One per fan.',
    imageUrl: '/demo/vinyl.svg',
    hashtags: ['music', 'collectibles'],
    variants: [{ sku: 'MID-VINYL-SGN', title: 'Signed LP', priceCents: 4_500, currency: 'USD' }],
  },
  {
    title: 'Glow Serum Trio',
    description: 'Three best-sellers in one box, flash-sale price.',
    imageUrl: '/demo/serum.svg',
    hashtags: ['beauty', 'flashsale'],
    variants: [{ sku: 'GLOW-TRIO', title: 'Trio box', priceCents: 3_900, currency: 'USD' }],
  },
  {
    title: 'Retro Console Mini',
    description: '40 built-in classics. The restock nobody believed in.',
    imageUrl: '/demo/console.svg',
    hashtags: ['gaming', 'drop'],
    variants: [{ sku: 'RETRO-MINI', title: 'Console', priceCents: 7_900, currency: 'USD' }],
  },
];

/** The machine's IANA zone (UTC when it has none). */
const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * First start with the embedded store: a host account (credentials printed and kept in
 * DATA_DIR/demo-credentials.txt), products, one sale live now and one opening two minutes later,
 * a daily party (its next occurrence scheduled at once), a live show with a featured product and
 * an upcoming show.
 * Does nothing when the demo host exists already.
 */
export async function seedDemo(fm: Flashmob): Promise<{ email: string; password: string } | undefined> {
  const [exists] = await fm.store.query('select 1 from users where email = $1', [DEMO_HOST_EMAIL]);
  if (exists) return undefined;
  const password = randomBytes(9).toString('base64url');
  const user = await fm.services.auth.createUser({
    email: DEMO_HOST_EMAIL,
    password,
    name: 'Demo Host',
    role: 'host',
  });
  const host: Principal = { id: user.id, role: 'host', guest: false };
  for (const p of PRODUCTS) await fm.services.catalog.create(host, p);
  const now = fm.clock.now();
  const minute = 60_000;
  await fm.services.sales.create(host, {
    title: 'Midnight Drop: Aurora Runner',
    startsAt: new Date(now - minute).toISOString(),
    endsAt: new Date(now + 6 * 60 * minute).toISOString(),
    hashtags: ['sneakers', 'drop'],
    holdSeconds: 300,
    items: [
      { sku: 'AUR-RUN-42', stock: 50, perBuyerLimit: 1 },
      { sku: 'AUR-RUN-43', stock: 50, perBuyerLimit: 1 },
      { sku: 'MID-VINYL-SGN', stock: 12, perBuyerLimit: 1 },
    ],
  });
  await fm.services.sales.create(host, {
    title: 'Flash Hour: Beauty & Retro',
    startsAt: new Date(now + 2 * minute).toISOString(),
    endsAt: new Date(now + 62 * minute).toISOString(),
    hashtags: ['flashsale', 'beauty', 'gaming'],
    holdSeconds: 300,
    items: [
      { sku: 'GLOW-TRIO', stock: 200, perBuyerLimit: 3, priceCents: 2_900 },
      { sku: 'RETRO-MINI', stock: 30, perBuyerLimit: 1 },
    ],
  });
  // A party: every evening at 20:00 on this machine's clock, a fresh crate of signed records.
  await fm.services.parties.create(host, {
    title: 'Vinyl Night Party',
    description: 'Every evening at 20:00: a fresh crate of signed records, one per buyer.',
    hashtags: ['vinyl', 'party'],
    recurrence: { frequency: 'daily', time: '20:00', timeZone: localTimeZone() },
    durationMinutes: 60,
    holdSeconds: 300,
    items: [{ sku: 'MID-VINYL-SGN', stock: 10, perBuyerLimit: 1 }],
  });
  // A live show with a product on screen, and the host's next one.
  const shows = fm.services.shows;
  const live = await shows.create(host, {
    title: 'Sneaker Sunday LIVE',
    startsAt: new Date(now).toISOString(),
    description: 'Unboxing the Aurora restock, a signed LP auction, and your questions.',
    hashtags: ['sneakers', 'live'],
  });
  await shows.goLive(host, live.id);
  await shows.feature(host, live.id, { sku: 'AUR-RUN-43', stock: 25, priceCents: 17_900, perBuyerLimit: 1 });
  await shows.create(host, {
    title: 'Retro Gaming Night',
    startsAt: new Date(now + 45 * minute).toISOString(),
    description: 'Console restock and a live auction for a sealed cartridge.',
    hashtags: ['gaming', 'live'],
  });
  const file = path.join(fm.config.dataDir, 'demo-credentials.txt');
  writeFileSync(file, `email: ${DEMO_HOST_EMAIL}\npassword: ${password}\n`, { mode: 0o600 });
  return { email: DEMO_HOST_EMAIL, password };
}
