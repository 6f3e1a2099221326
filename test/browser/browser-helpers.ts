import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pino from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Config } from '../../src/config.ts';
import { buildWebApp, webBuildIsStale } from '../../src/platform/http/web-app.ts';
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

export type Viewport = { readonly width: number; readonly height: number };

export interface OpenOptions {
  readonly viewport?: Viewport;
  /** A stored session (what the app keeps after a sign-in): the page opens signed in. */
  readonly token?: string;
  readonly user?: unknown;
  /** Another origin for the same server (a passkey wants `localhost`, not 127.0.0.1). */
  readonly base?: string;
}

export interface OpenPage {
  readonly ctx: BrowserContext;
  readonly page: Page;
  /** Page errors and console errors (CSP violations included), in order. */
  readonly errors: string[];
}

/** A fresh browser context (its own storage: one buyer) with a page; console errors are collected. */
export async function openPage(stack: Stack, opts: OpenOptions = {}): Promise<OpenPage> {
  const ctx = await stack.browser.newContext({
    viewport: opts.viewport ?? PHONE,
    baseURL: opts.base ?? stack.base,
  });
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
