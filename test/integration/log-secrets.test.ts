import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import type { Sql } from '../../src/platform/store/store.ts';
import { type Actor, makeSale, makeUser, uniq } from '../factories/index.ts';
import { makeShow } from '../factories/shows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { openSocket } from '../helpers/ws-client.ts';

/** A raw request Node cannot parse, carrying a bearer token; resolves when the server closes it. */
function unparsable(port: number, token: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(`GET /api/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nBad Header\r\n\r\n`),
    );
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
  });
}

describe('logs keep no secrets', () => {
  const log: string[] = [];
  let t: TestApp;
  let base: string;
  /** The next `insert into users` fails in the database (a real error, with its parameters). */
  let failNextUserInsert = false;
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        log.push(String(chunk));
        done();
      },
    });
    t = await createTestApp({
      deps: { logger: createLogger('trace', 'flashmob', stream) },
      config: { port: 0, host: '127.0.0.1', logLevel: 'trace' },
    });
    base = await t.fm.listen();
    // The next insert of a user fails in the database, whether made on the store or in a
    // transaction (registration writes the user and its audit entry in one).
    const failing = (sql: Sql): Sql['query'] => {
      const query = sql.query.bind(sql);
      return ((text: string, params?: readonly unknown[]) => {
        if (failNextUserInsert && text.startsWith('insert into users')) {
          failNextUserInsert = false;
          return query(text.replace('insert into users', 'insert into users_gone'), params);
        }
        return query(text, params);
      }) as Sql['query'];
    };
    const store = t.fm.store;
    store.query = failing(store);
    const transaction = store.transaction.bind(store);
    store.transaction = ((fn: (tx: Sql) => Promise<unknown>) =>
      transaction((tx) => fn({ ...tx, query: failing(tx) } as Sql))) as typeof store.transaction;
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) await t?.close();
  });

  it('logs - a register, login, claim, card checkout and chat at trace level, with failures, log no password, hash, token, card token or e-mail', async () => {
    const email = `${uniq('leak-')}@example.com`.toLowerCase();
    const password = `pw-${uniq('secret-')}-Zq9`;
    const host = await makeUser(t.fm, 'host');

    const registered = await t.http('POST', '/api/auth/register', { body: { email, password, name: 'Lea' } });
    expect(registered.statusCode).toBe(201);
    const loggedIn = await t.http('POST', '/api/auth/login', { body: { email, password } });
    expect(loggedIn.statusCode).toBe(200);
    const tokens: string[] = [registered.json().token, loggedIn.json().token];
    const buyer: Actor = { id: registered.json().user.id, token: tokens[1] as string };
    expect((await t.http('GET', '/api/me', { token: buyer.token })).statusCode).toBe(200);

    const sale = await makeSale(t.fm, host, { items: [{ stock: 5, perBuyerLimit: 2 }] });
    const claim = await t.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer.token,
      body: { sku: sale.items[0]?.sku, quantity: 1, idempotencyKey: 'leak-1' },
    });
    expect(claim.statusCode).toBe(201);
    const cardToken = 'tok_visa';
    const order = await t.http('POST', '/api/checkout', {
      token: buyer.token,
      body: {
        reservationIds: [claim.json().reservation.id],
        payment: { method: 'card', token: cardToken },
        shipping: {
          name: 'Lea Leak',
          line1: '1 Main St',
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
          email,
        },
      },
    });
    expect(order.statusCode).toBe(201);

    const { show } = await makeShow(t.fm, host);
    const chat = await t.http('POST', `/api/shows/${show.id}/chat`, {
      token: buyer.token,
      body: { text: 'hello room' },
    });
    expect(chat.statusCode).toBe(201);
    const ws = await openSocket(base, { token: buyer.token });
    ws.send({ op: 'auth', token: tokens[0] });
    await ws.next((m) => m.op === 'authed');
    ws.send({ op: 'auth', token: `${buyer.token}x` });
    await ws.next((m) => m.op === 'error' && m.code === 'invalid_token');
    ws.send({ op: 'sub', ch: `show:${show.id}` });
    await ws.next((m) => m.op === 'subscribed');
    ws.send({ op: 'send', ch: `show:${show.id}`, ev: 'chat', data: { text: 'hi over the socket' } });
    await ws.next(
      (m) => m.ev === 'chat' && m.data.messages.some((x: any) => x.text === 'hi over the socket'),
    );
    ws.close();

    // Failures: the database fails a registration (a 500, logged with its error), a wrong
    // password, a forged token, a body that is not JSON, a request Node cannot parse.
    failNextUserInsert = true;
    const second = `${uniq('leak2-')}@example.com`.toLowerCase();
    const failed = await t.http('POST', '/api/auth/register', {
      body: { email: second, password, name: 'Lea' },
    });
    expect(failed.statusCode).toBe(500);
    expect(
      (await t.http('POST', '/api/auth/login', { body: { email, password: `${password}!` } })).statusCode,
    ).toBe(401);
    expect((await t.http('GET', '/api/me', { token: `${buyer.token.slice(0, -3)}abc` })).statusCode).toBe(
      401,
    );
    const notJson = await t.http('POST', '/api/auth/login', {
      body: `{"email":"${email}","password":"${password}"`,
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.statusCode).toBe(400);
    expect(await unparsable(Number(new URL(base).port), buyer.token)).toMatch(/^HTTP\/1\.1 400/);

    const [row] = await t.fm.store.query<{ password_hash: string }>(
      'select password_hash from users where email = $1',
      [email],
    );
    const hash = row?.password_hash as string;
    expect(hash.length).toBeGreaterThan(20);
    // Closing flushes what is written behind (chat archive, consumers) and logs the shutdown.
    await t.close();
    closed = true;

    const text = log.join('');
    // The log is not empty: the 500 is there, its SQL kept, its parameters not.
    const errorLine = log.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error');
    expect(errorLine?.err?.query).toMatch(/^insert into users_gone/);
    expect(errorLine?.err?.params).toBeUndefined();
    const secrets = {
      password,
      hash,
      cardToken,
      email,
      second,
      ...Object.fromEntries(tokens.map((tk, i) => [`jwt${i}`, tk])),
    };
    for (const [name, secret] of Object.entries(secrets))
      expect(text.includes(secret), `${name} in the log`).toBe(false);
    // A JWT's signature alone is enough to find it.
    for (const tk of tokens) expect(text.includes(tk.split('.')[2] as string)).toBe(false);
  });
});
