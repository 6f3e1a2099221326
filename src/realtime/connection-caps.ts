import type { IncomingMessage } from 'node:http';

/**
 * Counts of open WebSockets per client address and per user, with their caps. A slot is taken
 * before the work it guards and given back exactly once (the callers tie it to the socket's
 * close), so that a client cannot hold more than its share of a node's sockets.
 */
export class ConnectionCaps {
  private readonly byAddress = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  constructor(
    private readonly perAddress: number,
    private readonly perUser: number,
  ) {}

  /** Takes one of `address`'s slots; false when it has them all. */
  takeAddress(address: string): boolean {
    return take(this.byAddress, address, this.perAddress);
  }

  releaseAddress(address: string): void {
    release(this.byAddress, address);
  }

  takeUser(userId: string): boolean {
    return take(this.byUser, userId, this.perUser);
  }

  releaseUser(userId: string): void {
    release(this.byUser, userId);
  }

  /** Open sockets of an address and of a user (tests, metrics). */
  counts(): { addresses: ReadonlyMap<string, number>; users: ReadonlyMap<string, number> } {
    return { addresses: this.byAddress, users: this.byUser };
  }
}

function take(counts: Map<string, number>, key: string, cap: number): boolean {
  const n = counts.get(key) ?? 0;
  if (n >= cap) return false;
  counts.set(key, n + 1);
  return true;
}

function release(counts: Map<string, number>, key: string): void {
  const n = counts.get(key) ?? 0;
  if (n <= 1) counts.delete(key);
  else counts.set(key, n - 1);
}

/**
 * The client's address, as the HTTP rate limits see it: behind a trusted proxy the first
 * address of X-Forwarded-For (the client the proxy saw), else the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && forwarded) {
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
