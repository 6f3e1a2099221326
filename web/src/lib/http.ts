import type { paths } from './api-schema.d.ts';
import { session } from './session.ts';
import { askStepUp, STEP_UP_HEADER } from './step-up.ts';
import type { ApiBody, ApiQuery, ApiResponse, Method, Problem } from './types.ts';

/** A refusal from the API: the problem document, with its stable `code`. */
export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get code(): string {
    return this.problem.code;
  }
  get status(): number {
    return this.problem.status;
  }
}

/** The request never got an answer (offline, connection reset): safe to retry idempotent calls. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** Worth retrying with the same idempotency key: no answer, or the server was briefly unavailable. */
export const isRetriable = (e: unknown) =>
  e instanceof NetworkError || (e instanceof ApiError && e.code === 'unavailable');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Send the session's token (default true when there is one). */
  readonly auth?: boolean;
  /** Extra request headers (e.g. `flashmob-admission`). */
  readonly headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...o.headers, accept: 'application/json' };
  const token = o.auth === false ? undefined : session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new NetworkError(e);
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
    const problem: Problem = {
      ...p,
      title: p.title ?? res.statusText ?? 'Request failed',
      status: p.status ?? res.status,
      code: p.code ?? (res.status >= 500 ? 'unavailable' : 'unknown'),
    };
    if (problem.code === 'rate_limited' && problem.retryAfterSeconds === undefined) {
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after)) problem.retryAfterSeconds = after;
    }
    // A token the server no longer accepts (expired, secret rotated): sign out locally.
    if (token && problem.code === 'invalid_token') session.set(null);
    // A sensitive call (large order, refund, role change): a second factor, then the same call once more.
    if (problem.code === 'step_up_required' && !o.headers?.[STEP_UP_HEADER]) {
      const proof = await askStepUp(problem);
      if (proof)
        return request<T>(method, path, { ...o, headers: { ...o.headers, [STEP_UP_HEADER]: proof } });
    }
    throw new ApiError(problem);
  }
  return data as T;
}

type Operation<P extends keyof paths, M extends Method> = paths[P][M & keyof paths[P]];
type PathParams<O> = O extends { parameters: { path: infer X } } ? X : never;

/** A call as the contract (docs/openapi.json) describes it: path parameters, query, body. */
export interface CallOptions<P extends keyof paths, M extends Method & keyof paths[P]>
  extends Omit<RequestOptions, 'body'> {
  readonly path?: PathParams<Operation<P, M>>;
  readonly query?: ApiQuery<P, M>;
  readonly body?: ApiBody<P, M>;
}

/**
 * `request`, typed by the generated `paths`: `call('get', '/api/shows/{id}', { path: { id } })`
 * answers the route's success body, so a change of the server's schema is a compile error here.
 */
export function call<P extends keyof paths, M extends Method & keyof paths[P]>(
  method: M,
  template: P,
  o: CallOptions<P, M> = {},
): Promise<ApiResponse<P, M>> {
  const params = (o.path ?? {}) as Record<string, string>;
  const url = String(template).replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));
  const { path: _path, query, ...rest } = o;
  const search = query ? q(query as Record<string, string | number | undefined>) : '';
  return request<ApiResponse<P, M>>(method.toUpperCase(), url + search, rest);
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : '';
};
