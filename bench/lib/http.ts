/** A JSON call to a server under test; a status of 300 or more throws with the answer's body. */
export async function call(
  base: string,
  method: string,
  url: string,
  token?: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The p-th percentile of ascending values (nearest rank); NaN when there are none. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Signed tokens of guest accounts made for the benchmark (bench/server.ts `/bench/guests`). */
export async function benchGuestTokens(
  base: string,
  n: number,
  sign: (id: string) => Promise<string>,
): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `usr_${i.toString(36).padStart(16, '0')}`);
  for (let i = 0; i < ids.length; i += 5_000)
    await call(base, 'POST', '/bench/guests', undefined, { ids: ids.slice(i, i + 5_000) });
  return Promise.all(ids.map(sign));
}
