import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChildLoggerFactory, REDACT_PATHS } from './logger.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return { lines, logger };
}

/** Counts the children made of the root logger (pino children inherit `child`: counted too). */
function counting(logger: pino.Logger) {
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...a: Parameters<typeof child>) => {
    children++;
    return child(...a);
  }) as typeof logger.child;
  return () => children;
}

describe('request loggers made on first use', () => {
  it('a request that logs gets a child bound to its request id, with secrets redacted', async () => {
    const { lines, logger } = capture();
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLoggerFactory });
    app.get('/logs', async (req) => {
      req.log.warn({ token: 'jwt-secret', item: 7 }, 'something odd');
      req.log.child({ part: 'inner' }).info('nested');
      return { ok: true };
    });
    const res = await app.inject({ method: 'GET', url: '/logs' });
    expect(res.statusCode).toBe(200);
    const odd = lines.find((l) => l.msg === 'something odd');
    expect(odd).toMatchObject({ level: 40, item: 7, token: '[redacted]' });
    expect(typeof odd?.reqId).toBe('string');
    expect(lines.find((l) => l.msg === 'nested')).toMatchObject({ part: 'inner', reqId: odd?.reqId });
    await app.close();
  });

  it('a request that never logs makes no child logger', async () => {
    const { logger } = capture();
    const children = counting(logger);
    const app = Fastify({
      loggerInstance: logger,
      childLoggerFactory: lazyChildLoggerFactory,
      disableRequestLogging: true,
    });
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/loud', async (req) => {
      req.log.info('hello');
      return { ok: true };
    });
    await app.ready();
    const before = children();
    for (let i = 0; i < 5; i++)
      expect((await app.inject({ method: 'GET', url: '/quiet' })).statusCode).toBe(200);
    expect(children()).toBe(before);
    await app.inject({ method: 'GET', url: '/loud' });
    expect(children()).toBe(before + 1);
    await app.close();
  });

  it('a request logger honours a route log level', async () => {
    const { lines, logger } = capture();
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLoggerFactory });
    app.get('/debug', { logLevel: 'debug' }, async (req) => {
      req.log.debug('visible at debug');
      return { level: req.log.level };
    });
    const res = await app.inject({ method: 'GET', url: '/debug' });
    expect(res.json()).toEqual({ level: 'debug' });
    expect(lines.some((l) => l.msg === 'visible at debug')).toBe(true);
    await app.close();
  });
});

describe('errors in logs', () => {
  it('logger - an error keeps its message, code and SQL but not the values drivers attach to it', () => {
    const lines: Array<Record<string, any>> = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger('info', 'test', stream);
    const db = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
      query: 'insert into users (email, password_hash) values ($1, $2)',
      params: ['ada@example.com', 'scrypt$secret-hash'],
      queryOptions: { rowMode: 'object' },
      detail: 'Key (email)=(ada@example.com) already exists.',
    });
    const raw = Object.assign(new Error('Parse Error'), {
      rawPacket: Buffer.from('Authorization: Bearer jwt'),
    });
    logger.error({ err: new AggregateError([db, raw], 'both failed') }, 'failed');
    logger.error({ err: db }, 'failed');
    const text = JSON.stringify(lines);
    expect(lines[1]?.err).toMatchObject({ code: '23505', query: db.query, message: db.message });
    for (const secret of ['ada@example.com', 'secret-hash', 'rowMode', 'Bearer jwt', 'QXV0aG9y'])
      expect(text).not.toContain(secret);
    expect(lines[0]?.err.aggregateErrors).toHaveLength(2);
    expect(lines[0]?.err.aggregateErrors[0]).not.toHaveProperty('params');
    expect(lines[0]?.err.aggregateErrors[1]).not.toHaveProperty('rawPacket');
  });
});
