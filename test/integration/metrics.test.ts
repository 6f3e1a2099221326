import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBuyers, makeSale, makeUser } from '../factories/index.ts';
import { storeKinds } from '../helpers/kinds.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe.each(await storeKinds())('metrics (%s)', (kind) => {
  let open: TestApp;
  let guarded: TestApp;
  const TOKEN = 'scrape-me-0123456789abcdef';
  beforeAll(async () => {
    open = await createTestApp({ store: kind });
    guarded = await createTestApp({ store: kind, config: { metricsToken: TOKEN } });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  const scrape = (t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.fm.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });

  it('metrics - a scraper on the private network reads claims, batches, orders, consumer lag and HTTP latency', async () => {
    const host = await makeUser(open.fm, 'host');
    const sale = await makeSale(open.fm, host, { items: [{ stock: 5 }] });
    const [buyer] = await makeBuyers(open.fm, 1);
    await open.http('POST', `/api/sales/${sale.id}/claims`, {
      token: buyer?.token,
      body: { sku: sale.items[0]?.sku, quantity: 1, idempotencyKey: 'm1' },
    });
    for (const ip of ['127.0.0.1', '10.0.3.7']) {
      const res = await scrape(open, ip);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      for (const name of [
        'flashmob_http_request_duration_seconds_bucket',
        'flashmob_claims_total{outcome="accepted"}',
        'flashmob_claim_batch_size_bucket',
        'flashmob_claim_batches_total{path="optimistic"}',
        'flashmob_orders',
        'flashmob_consumer_lag',
        'flashmob_dead_letters',
        'nodejs_eventloop_lag_seconds',
      ])
        expect(res.body).toContain(name);
    }
  });

  it('metrics - without a token, the public and anything through a proxy are refused', async () => {
    const outside = await scrape(open, '203.0.113.9');
    expect([outside.statusCode, outside.json().code]).toEqual([403, 'forbidden']);
    const proxied = await scrape(open, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' });
    expect([proxied.statusCode, proxied.json().code]).toEqual([403, 'forbidden']);
  });

  it('metrics - with METRICS_TOKEN, only its bearer reads them, from anywhere', async () => {
    expect((await scrape(guarded, '127.0.0.1')).json().code).toBe('unauthenticated');
    expect(
      (await scrape(guarded, '203.0.113.9', { authorization: 'Bearer not-the-token-at-all' })).json().code,
    ).toBe('invalid_token');
    const ok = await scrape(guarded, '203.0.113.9', { authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('flashmob_claims_total');
  });
});
