/**
 * Reconnect delays with "full jitter" (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a random delay between 0 and min(cap, base·2^attempt), so a crowd that lost its connection at
 * the same moment does not come back at the same moment.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 250,
  capMs = 15_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
