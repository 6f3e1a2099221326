import { randomBytes } from 'node:crypto';
import type { Flashmob } from '../../src/app.ts';
import type { UserRole } from '../../src/modules/auth/tokens.ts';
import type { Sale } from '../../src/modules/sales/types.ts';

let counter = 0;
export const uniq = (prefix = 'x') =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

export interface Actor {
  readonly id: string;
  readonly token: string;
}

/** A user of the given role with a token, made through the services (fast: no HTTP). */
export async function makeUser(fm: Flashmob, role: UserRole = 'buyer'): Promise<Actor> {
  const user = await fm.services.auth.createUser({
    email: `${uniq('u')}@test.dev`,
    password: 'password123',
    name: 'Test',
    role,
  });
  return { id: user.id, token: await fm.services.auth.tokenFor(user) };
}

/** Many buyers quickly (guest accounts: no password hashing). */
export async function makeBuyers(fm: Flashmob, n: number): Promise<Actor[]> {
  const out: Actor[] = [];
  for (let i = 0; i < n; i++) {
    const { user, token } = await fm.services.auth.guest();
    out.push({ id: user.id, token });
  }
  return out;
}

export interface SaleSpec {
  readonly items: Array<{
    sku?: string;
    stock: number;
    perBuyerLimit?: number;
    priceCents?: number;
    currency?: string;
  }>;
  readonly startsAt?: number;
  readonly endsAt?: number;
  readonly holdSeconds?: number;
  readonly waitingRoom?: Sale['waitingRoom'];
  readonly title?: string;
  readonly hashtags?: string[];
}

/** A product per item and a sale of them, live now on the app's clock unless told otherwise. */
export async function makeSale(fm: Flashmob, host: Actor, spec: SaleSpec): Promise<Sale> {
  const principal = { id: host.id, role: 'host' as const, guest: false };
  const items = spec.items.map((i) => ({ ...i, sku: i.sku ?? uniq('SKU-') }));
  for (const i of items) {
    await fm.services.catalog.create(principal, {
      title: `Product ${i.sku}`,
      hashtags: spec.hashtags ?? ['test'],
      variants: [
        { sku: i.sku, title: i.sku, priceCents: i.priceCents ?? 1_000, currency: i.currency ?? 'USD' },
      ],
    });
  }
  const now = fm.clock.now();
  return fm.services.sales.create(principal, {
    title: spec.title ?? 'Test sale',
    startsAt: new Date(spec.startsAt ?? now - 1_000).toISOString(),
    endsAt: new Date(spec.endsAt ?? now + 3_600_000).toISOString(),
    holdSeconds: spec.holdSeconds ?? 600,
    hashtags: spec.hashtags ?? ['test'],
    ...(spec.waitingRoom ? { waitingRoom: spec.waitingRoom } : {}),
    items: items.map((i) => ({ sku: i.sku, stock: i.stock, perBuyerLimit: i.perBuyerLimit ?? 10 })),
  });
}

export const SHIPPING = {
  name: 'Ada Buyer',
  line1: '1 Market Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
  email: 'ada@example.com',
};
