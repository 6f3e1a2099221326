// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly path: string;
  readonly connections: number;
  readonly seconds: number;
  /** Stop after this many requests (instead of after `seconds`). */
  readonly amount?: number;
  /** Fresh body and token for every request (each claim its own idempotency key). */
  readonly next: () => { body: string; token?: string | undefined };
}

/** Closed-loop HTTP load (autocannon): `connections` clients, each sending its next request on each answer. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    ...(o.amount ? { amount: o.amount } : {}),
    requests: [
      {
        method: 'POST',
        path: o.path,
        setupRequest: (req: Record<string, any>) => {
          const { body, token } = o.next();
          req.body = body;
          req.headers = {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          };
          return req;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
