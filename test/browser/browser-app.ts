import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Flashmob } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import type { Sale } from '../../src/modules/sales/types.ts';
import { type Actor, uniq } from '../factories/index.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { type OpenOptions, type OpenPage, openPage, type Stack, startStack } from './browser-helpers.ts';
import { screenshot } from './screenshots-dir.ts';
import { makeShowcaseSale, type ShowcaseSpec } from './showcase.ts';

/** An account that can sign in through the form: its password, and a token for the API. */
export interface Account extends Actor {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** A stored session as the app keeps it after a sign-in. */
export interface Session {
  readonly token: string;
  readonly user: unknown;
}

export interface BrowserApp {
  readonly t: TestApp;
  readonly fm: Flashmob;
  /** The server's origin, e.g. http://127.0.0.1:41234. */
  readonly base: string;
  /** A fresh browser context and page; photographed if the test fails. */
  open(opts?: OpenOptions): Promise<OpenPage>;
  /** A page opened signed in as `who` (the stored session the app reads). */
  signedIn(who: Actor, opts?: Omit<OpenOptions, 'token' | 'user'>): Promise<OpenPage>;
  /** The stored session of `who`, for a page that signs in later. */
  session(who: Actor): Promise<Session>;
  /** An account with a name and a password (`account('Hana Host', 'host')`). */
  account(name: string, role?: 'host' | 'buyer'): Promise<Account>;
  /** A live sale of fresh products with titles and images (see showcase.ts). */
  sale(host: Actor, spec: ShowcaseSpec): Promise<Sale>;
}

const PASSWORD = 'browser-password-1';

/**
 * The one way a browser test file boots: the web app built when stale, a server listening with
 * it, chromium, torn down after the file. Call it at the top of the file (or of a describe) and
 * use what it returns inside tests. When a test fails, every page it opened is photographed into
 * the run's screenshot folder as `failed-<name>-<n>.png`, and the contexts it left open are closed.
 */
export function bootBrowserApp(name: string, config: Partial<Config> = {}): BrowserApp {
  let stack: Stack | undefined;
  const opened: OpenPage[] = [];
  const booted = (): Stack => {
    if (!stack) throw new Error('bootBrowserApp: the app is used before its beforeAll has run');
    return stack;
  };

  beforeAll(async () => {
    stack = await startStack(config);
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(async (ctx) => {
    const failed = ctx.task.result?.state === 'fail';
    for (const [i, o] of opened.entries()) {
      if (o.page.isClosed()) continue;
      if (failed) await photographFailure(o.page, `failed-${name}-${i}`);
      await o.ctx.close();
    }
    opened.length = 0;
  });

  const session = async (who: Actor): Promise<Session> => {
    const res = await booted().t.http('GET', '/api/me', { token: who.token });
    return { token: who.token, user: res.json() };
  };
  const open = async (opts: OpenOptions = {}): Promise<OpenPage> => {
    const o = await openPage(booted(), opts);
    opened.push(o);
    return o;
  };

  return {
    get t() {
      return booted().t;
    },
    get fm() {
      return booted().t.fm;
    },
    get base() {
      return booted().base;
    },
    open,
    session,
    async signedIn(who, opts = {}) {
      return open({ ...opts, ...(await session(who)) });
    },
    async account(fullName, role = 'buyer') {
      const email = `${uniq(fullName.toLowerCase().replace(/[^a-z]+/g, ''))}@example.com`;
      const { auth } = booted().t.fm.services;
      const user = await auth.createUser({ email, password: PASSWORD, name: fullName, role });
      return { id: user.id, token: await auth.tokenFor(user), email, password: PASSWORD, name: fullName };
    },
    sale: (host, spec) => makeShowcaseSale(booted().t.fm, host, spec),
  };
}

async function photographFailure(page: Page, name: string): Promise<void> {
  try {
    await screenshot(page, name);
  } catch (e) {
    // The picture is a clue, not the verdict: a page that cannot be photographed (its browser
    // gone with the failure) must not replace the test's own error with this one.
    console.warn(`could not photograph ${name}: ${(e as Error).message}`);
  }
}
