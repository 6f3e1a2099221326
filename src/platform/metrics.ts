import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import type { Store } from './store/store.ts';

export interface MetricsSources {
  readonly store: Store;
  /** Unprocessed events per consumer group. */
  readonly lag?: () => Promise<Record<string, number>>;
  readonly deadLetters?: () => Promise<number>;
  readonly wsConnections?: () => number;
}

/**
 * Prometheus metrics (prom-client) of one node: HTTP latency per route, the claim engine, holds,
 * orders by state, WebSockets, consumer lag and dead letters, and Node's own (event-loop lag, GC,
 * memory). Gauges that describe the store are read when Prometheus scrapes.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly httpDuration = new client.Histogram({
    name: 'flashmob_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly claims = new client.Counter({
    name: 'flashmob_claims_total',
    help: 'Claims by outcome (accepted, or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly claimBatches = new client.Counter({
    name: 'flashmob_claim_batches_total',
    help: 'Claim batches committed, by path: optimistic (on the state read) or locked (after a conflict)',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new client.Histogram({
    name: 'flashmob_claim_batch_size',
    help: 'Claims per batch of the claim engine',
    buckets: [1, 2, 5, 10, 25, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly holdExpiries = new client.Counter({
    name: 'flashmob_hold_expiries_total',
    help: 'Holds expired by the sweeper',
    registers: [this.registry],
  });
  readonly wsFrames = new client.Counter({
    name: 'flashmob_ws_frames_total',
    help: 'WebSocket frames sent, by channel type',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly wsDropped = new client.Counter({
    name: 'flashmob_ws_dropped_total',
    help: 'WebSocket connections closed by the server, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'flashmob_node_' });
    const { store } = sources;
    new client.Gauge({
      name: 'flashmob_orders',
      help: 'Orders by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await store.query<{ state: string; n: number }>(
          'select state, count(*)::int as n from orders group by state',
        );
        this.reset();
        for (const r of rows) this.set({ state: r.state }, r.n);
      },
    });
    new client.Gauge({
      name: 'flashmob_ws_connections',
      help: 'Open WebSocket connections on this node',
      registers: [this.registry],
      collect() {
        this.set(sources.wsConnections?.() ?? 0);
      },
    });
    new client.Gauge({
      name: 'flashmob_consumer_lag',
      help: 'Events not yet handled, per consumer group',
      labelNames: ['group'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [group, n] of Object.entries((await sources.lag?.()) ?? {})) this.set({ group }, n);
      },
    });
    new client.Gauge({
      name: 'flashmob_dead_letters',
      help: 'Events in the dead-letter store or stream',
      registers: [this.registry],
      async collect() {
        this.set((await sources.deadLetters?.()) ?? 0);
      },
    });
    new client.Gauge({
      name: 'flashmob_chat_dead_letters',
      help: 'Chat lines the archive could not store (kept in chat_dead_letters)',
      registers: [this.registry],
      async collect() {
        const [row] = await store.query<{ n: number }>('select count(*)::int as n from chat_dead_letters');
        this.set(row?.n ?? 0);
      },
    });
  }

  /** Times every request by its route pattern (not its URL: ids would explode the labels). */
  instrument(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }
}
