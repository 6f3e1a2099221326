import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pino from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Config } from '../../src/config.ts';
import type { Sale } from '../../src/modules/sales/types.ts';
import { buildWebApp, webBuildIsStale } from '../../src/platform/http/web-app.ts';
import { type Actor, uniq } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * What every browser test needs: the web app built (once, when stale), a real server listening
 * on a free port with the web app and the WebSocket, and Debian's chromium driven by
 * playwright-core (no test tool ever downloads a browser).
 */
export interface Stack {
  readonly t: TestApp;
  readonly base: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../artifacts/screenshots');

export async function startStack(config: Partial<Config> = {}): Promise<Stack> {
  if (webBuildIsStale()) await buildWebApp(pino({ level: 'silent' }));
  const t = await createTestApp({
    config: { port: 0, host: '127.0.0.1', serveWeb: true, wsTickMs: 50, showTickMs: 50, ...config },
  });
  const base = await t.fm.listen();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** A fresh browser context (its own storage: one buyer) with a page; console errors are collected. */
export async function openPage(
  stack: Stack,
  opts: { viewport?: { width: number; height: number }; token?: string; user?: unknown } = {},
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await stack.browser.newContext({ viewport: opts.viewport ?? PHONE, baseURL: stack.base });
  if (opts.token) {
    const value = JSON.stringify({ token: opts.token, user: opts.user });
    // Once per tab: a test that signs out (clears storage) stays signed out after navigating.
    await ctx.addInitScript((v) => {
      if (sessionStorage.getItem('flashmob.test.seeded')) return;
      sessionStorage.setItem('flashmob.test.seeded', '1');
      localStorage.setItem('flashmob.session', v);
    }, value);
  }
  // Anything the Content-Security-Policy blocks is an error of the page (chromium also logs it).
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
    );
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The browser logs every 4xx answer; refusals are expected answers, not errors of the app.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return { ctx, page, errors };
}

/** Signs a user in through the page's storage (what the app does after a login). */
export async function sessionFor(stack: Stack, actor: Actor): Promise<{ token: string; user: unknown }> {
  const res = await stack.t.http('GET', '/api/me', { token: actor.token });
  return { token: actor.token, user: res.json() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

export interface DemoItem {
  readonly sku?: string;
  readonly title?: string;
  readonly stock: number;
  readonly perBuyerLimit?: number;
  readonly priceCents?: number;
  readonly imageUrl?: string;
}

/** Like the factories' makeSale, with product titles and images (the app shows them). */
export async function makeShowcaseSale(
  stack: Stack,
  host: Actor,
  spec: {
    title?: string;
    items: DemoItem[];
    startsAt?: number;
    endsAt?: number;
    holdSeconds?: number;
    hashtags?: string[];
    waitingRoom?: Sale['waitingRoom'];
  },
): Promise<Sale> {
  const fm = stack.t.fm;
  const principal = { id: host.id, role: 'host' as const, guest: false };
  const items = spec.items.map((i) => ({ ...i, sku: i.sku ?? uniq('SKU-') }));
  for (const i of items) {
    await fm.services.catalog.create(principal, {
      title: i.title ?? 'Aurora Runner',
      hashtags: spec.hashtags ?? ['drop'],
      ...(i.imageUrl ? { imageUrl: i.imageUrl } : {}),
      variants: [{ sku: i.sku, title: 'EU 42', priceCents: i.priceCents ?? 18_900, currency: 'USD' }],
    });
  }
  const now = fm.clock.now();
  return fm.services.sales.create(principal, {
    title: spec.title ?? 'Test drop',
    startsAt: new Date(spec.startsAt ?? now - 1_000).toISOString(),
    endsAt: new Date(spec.endsAt ?? now + 3_600_000).toISOString(),
    holdSeconds: spec.holdSeconds ?? 600,
    hashtags: spec.hashtags ?? ['drop'],
    ...(spec.waitingRoom ? { waitingRoom: spec.waitingRoom } : {}),
    items: items.map((i) => ({ sku: i.sku, stock: i.stock, perBuyerLimit: i.perBuyerLimit ?? 5 })),
  });
}

/** Waits until `selector` has attribute `name` satisfying `test` (polling in the page). */
export async function waitForAttr(
  page: Page,
  selector: string,
  name: string,
  value: string,
  timeout = 10_000,
): Promise<void> {
  await page.waitForFunction(
    ([s, n, v]) => document.querySelector(s as string)?.getAttribute(n as string) === v,
    [selector, name, value],
    { timeout },
  );
}

/**
 * An accessibility check of the page as it is now: axe-core (Deque's rules, WCAG 2 A and AA)
 * injected into the page. Returns the violations as "rule: target" lines, empty when clean.
 */
let axeSource: string | undefined;
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not a <script> tag: the app's Content-Security-Policy
  // (script-src 'self') rightly refuses an inline script, and the check must not need it loosened.
  // Contrast is measured on what is painted: let finite animations (a dialog fading in) end first.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every(
        (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY,
      ),
  );
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<any> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map(
      (v: { id: string; nodes: Array<{ target: string[] }> }) =>
        `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
  return violations as string[];
}
