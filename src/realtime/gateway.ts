import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { TokenService } from '../modules/auth/index.ts';
import { isAppError, toError } from '../platform/errors.ts';
import type { ChannelHub, Subscriber } from './channel-hub.ts';
import { ConnectionCaps, clientAddress } from './connection-caps.ts';
import { BEARER_PREFIX, CLOSE, type ClientFrame, parseClientFrame, SUBPROTOCOL } from './protocol.ts';

export interface GatewayOptions {
  readonly hub: ChannelHub;
  readonly tokens: TokenService;
  readonly logger: Logger;
  readonly now: () => number;
  /** Origins allowed to connect from a browser; the server's own host always is. */
  readonly allowedOrigins: readonly string[];
  readonly heartbeatMs?: number;
  /** A connection whose unsent bytes pass this is closed as a slow consumer. */
  readonly maxBufferedBytes?: number;
  /** Frames larger than this get an error frame; much larger ones close the socket (ws maxPayload). */
  readonly maxFrameBytes?: number;
  /** Frames per second per connection (token bucket, burst of twice that). */
  readonly framesPerSecond?: number;
  /** Open sockets one client address may hold on this node. */
  readonly maxConnectionsPerAddress?: number;
  /** Open signed-in sockets one user may hold on this node. */
  readonly maxConnectionsPerUser?: number;
  /** Behind a trusted proxy: the client address is the first of X-Forwarded-For. */
  readonly trustProxy?: boolean;
  readonly metrics?: { connections(delta: number): void; dropped(reason: string): void };
}

export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024;
export const DEFAULT_FRAMES_PER_SECOND = 20;
/** Generous: a household, an office or a mobile carrier's NAT shares one address. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
/** A few tabs and devices each. */
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 16;
/** Rate-limit violations before the socket is closed for abuse… */
const MAX_STRIKES = 20;
/** …within this window from the first of them: a client that slowed down starts afresh. */
const STRIKE_WINDOW_MS = 60_000;

/** One WebSocket connection: its subscriptions, its frame budget, its liveness. */
class Connection implements Subscriber {
  private static nextId = 1;
  readonly id = Connection.nextId++;
  readonly channels = new Set<string>();
  principal: Subscriber['principal'];
  /** The user whose connection slot this socket holds. */
  slotOf: string | undefined;
  /** The token it signed in with, checked again at every heartbeat (kept in memory, never logged). */
  token: string | undefined;
  alive = true;
  tokens: number;
  refilledAt: number;
  strikes = 0;
  firstStrikeAt = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly maxBuffered: number,
    readonly budget: number,
    now: number,
    private readonly onDrop: (reason: string) => void,
  ) {
    this.tokens = budget * 2;
    this.refilledAt = now;
  }

  send(text: string, utf8?: Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > this.maxBuffered) {
      // Bounded, never buffered without end: a consumer this far behind resyncs on reconnect.
      this.onDrop('slow_consumer');
      this.ws.close(CLOSE.slowConsumer, 'slow consumer');
      // close() waits for the buffered data; a reader that stopped reading would hold it forever.
      setTimeout(() => this.ws.terminate(), 1_000).unref();
      return false;
    }
    // A Buffer goes out as it is (a server does not mask); `binary: false` keeps it a text frame.
    if (utf8) this.ws.send(utf8, { binary: false });
    else this.ws.send(text);
    return true;
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  // ws keeps its socket private; corking it is the one reach inside (stable across ws 7–8).
  cork(): void {
    (this.ws as unknown as { _socket?: { cork(): void } })._socket?.cork();
  }

  uncork(): void {
    (this.ws as unknown as { _socket?: { uncork(): void } })._socket?.uncork();
  }

  /** Token bucket: `budget` frames per second, bursts up to twice that. */
  allow(now: number): boolean {
    this.tokens = Math.min(this.budget * 2, this.tokens + ((now - this.refilledAt) * this.budget) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  error(code: string, title: string, ch?: string): void {
    this.send(JSON.stringify({ op: 'error', code, title, ...(ch ? { ch } : {}) }));
  }
}

/**
 * The real-time gateway at /ws (the `ws` library on Fastify's HTTP server). Authentication by
 * the JWT in the subprotocol (`bearer.<token>` beside `flashmob`) or an `auth` frame; the token
 * is never logged. Heartbeats find dead peers; bounded send buffers drop slow consumers; frame
 * size and rate limits answer abuse with a problem frame, then close.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly maxFrame: number;
  readonly caps: ConnectionCaps;

  constructor(private readonly o: GatewayOptions) {
    this.maxFrame = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.caps = new ConnectionCaps(
      o.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
      o.maxConnectionsPerUser ?? DEFAULT_MAX_CONNECTIONS_PER_USER,
    );
    this.wss = new WebSocketServer({
      noServer: true,
      // Hard ceiling: a frame this big is refused by ws itself (close 1009). Smaller oversize
      // frames get a problem frame (below), so a client learns what it did wrong.
      maxPayload: this.maxFrame * 16,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  attach(app: FastifyInstance): void {
    app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(req, socket, head);
    });
    this.heartbeat = setInterval(() => this.beat(), this.o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // not a browser: nothing to protect against
    try {
      const host = new URL(origin).host;
      if (host === req.headers.host) return true;
    } catch {
      return false;
    }
    return this.o.allowedOrigins.includes(origin);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!this.originAllowed(req)) return refuse(socket, 403, 'Forbidden');
    // The address's slot is taken before the token is verified (a flood from one address costs
    // no crypto) and given back when the TCP socket closes, whatever happened in between.
    const address = clientAddress(req, this.o.trustProxy ?? false);
    if (!this.caps.takeAddress(address)) {
      this.o.metrics?.dropped('too_many_connections');
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        turnAway(ws, 'Too many connections from your address: close one first'),
      );
      return;
    }
    socket.once('close', () => this.caps.releaseAddress(address));
    let principal: Subscriber['principal'];
    let token: string | undefined;
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const bearer = offered.find((p) => p.startsWith(BEARER_PREFIX));
    if (bearer) {
      try {
        token = bearer.slice(BEARER_PREFIX.length);
        principal = await this.o.tokens.verify(token);
      } catch {
        // A refused upgrade looks like a network failure to a browser (it cannot read the 401),
        // and a client would retry the same token forever. Accept, then close with 4001: the
        // client learns that the token is the problem and stops.
        this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(CLOSE.unauthorized, 'invalid token'));
        return;
      }
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, principal, token));
  }

  private accept(ws: WebSocket, principal: Subscriber['principal'], token: string | undefined): void {
    const conn = new Connection(
      ws,
      this.o.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      this.o.framesPerSecond ?? DEFAULT_FRAMES_PER_SECOND,
      this.o.now(),
      (reason) => this.o.metrics?.dropped(reason),
    );
    conn.token = token;
    if (principal && !this.signIn(conn, principal)) {
      this.o.metrics?.dropped('too_many_connections');
      turnAway(ws, 'Too many connections for this account: close one first');
      return;
    }
    this.connections.add(conn);
    this.o.metrics?.connections(1);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
    ws.on('error', (e) => this.o.logger.debug({ err: toError(e), conn: conn.id }, 'websocket error'));
    ws.on('close', () => {
      if (conn.slotOf) this.caps.releaseUser(conn.slotOf);
      this.connections.delete(conn);
      this.o.hub.drop(conn);
      this.o.metrics?.connections(-1);
    });
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    conn.alive = true;
    const refusal = this.screen(conn, data, isBinary);
    if (refusal === 'closed') return;
    if (refusal) {
      conn.error(refusal.code, refusal.title);
      return;
    }
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) {
      conn.error(parsed.code, parsed.title);
      return;
    }
    void this.handle(conn, parsed.frame).catch((e: unknown) => {
      if (isAppError(e)) {
        conn.error(e.code, e.message, 'ch' in parsed.frame ? parsed.frame.ch : undefined);
        return;
      }
      this.o.logger.error({ err: toError(e) }, 'frame handling failed');
      conn.error('internal', 'Could not handle this frame');
    });
  }

  /** Rate and size limits: a refusal to answer with, 'closed' when the client is cut off. */
  private screen(
    conn: Connection,
    data: RawData,
    isBinary: boolean,
  ): { code: string; title: string } | 'closed' | undefined {
    const now = this.o.now();
    if (!conn.allow(now)) {
      if (conn.strikes === 0 || now - conn.firstStrikeAt > STRIKE_WINDOW_MS) {
        conn.strikes = 0;
        conn.firstStrikeAt = now;
      }
      conn.strikes += 1;
      if (conn.strikes >= MAX_STRIKES) {
        this.o.metrics?.dropped('abuse');
        conn.ws.close(CLOSE.abuse, 'too many frames');
        return 'closed';
      }
      return { code: 'rate_limited', title: 'Too many frames: slow down' };
    }
    if (isBinary) return { code: 'bad_frame', title: 'Frames are JSON text' };
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (size > this.maxFrame)
      return { code: 'frame_too_large', title: `Frames are at most ${this.maxFrame} bytes` };
    return undefined;
  }

  private async handle(conn: Connection, f: ClientFrame): Promise<void> {
    switch (f.op) {
      case 'time':
        conn.send(JSON.stringify({ op: 'time', c: f.c, s: this.o.now() }));
        return;
      case 'ping':
        conn.send(JSON.stringify({ op: 'pong', ...(f.id === undefined ? {} : { id: f.id }) }));
        return;
      case 'auth': {
        let principal: Subscriber['principal'];
        try {
          principal = await this.o.tokens.verify(f.token);
          conn.token = f.token;
        } catch (e) {
          if (isAppError(e)) conn.error(e.code, e.message);
          else conn.error('invalid_token', 'Token is invalid');
          return;
        }
        if (!this.signIn(conn, principal)) {
          conn.error('too_many_connections', 'Too many connections for this account: close one first');
          return;
        }
        conn.send(JSON.stringify({ op: 'authed', user: principal.id }));
        return;
      }
      case 'sub': {
        const seq = await this.o.hub.subscribe(conn, f.ch, f.since, { presence: f.presence !== false });
        conn.send(JSON.stringify({ op: 'subscribed', ch: f.ch, seq }));
        return;
      }
      case 'unsub':
        this.o.hub.unsubscribe(conn, f.ch);
        conn.send(JSON.stringify({ op: 'unsubscribed', ch: f.ch }));
        return;
      case 'send':
        await this.o.hub.receive(conn, f.ch, f.ev, f.data);
        return;
    }
  }

  /**
   * Signs a connection in as `principal`, taking one of that user's slots (the slot of the user
   * it was signed in as, if another, is given back); false, and nothing changed, when the user
   * holds every slot.
   */
  private signIn(conn: Connection, principal: NonNullable<Subscriber['principal']>): boolean {
    // Closed while its token was being verified: its close already gave its slots back.
    if (conn.ws.readyState !== WebSocket.OPEN) return false;
    if (conn.slotOf !== principal.id) {
      if (!this.caps.takeUser(principal.id)) return false;
      if (conn.slotOf) this.caps.releaseUser(conn.slotOf);
      conn.slotOf = principal.id;
    }
    conn.principal = principal;
    return true;
  }

  /** Closes every socket of this user on this node (their account changed or was suspended). */
  closeUser(userId: string, code: number, reason: string): void {
    for (const conn of this.connections) if (conn.principal?.id === userId) conn.close(code, reason);
  }

  /** Every interval: a peer that did not answer the last ping is gone. */
  private beat(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        this.o.metrics?.dropped('dead');
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
      if (conn.token) void this.recheck(conn, conn.token);
    }
  }

  /**
   * An account changed on a node whose `account.changed` notice never came here (no NATS, or a
   * reconnect): its sockets still close within a heartbeat plus the account-state window.
   */
  private async recheck(conn: Connection, token: string): Promise<void> {
    try {
      await this.o.tokens.verify(token);
    } catch (e) {
      // Signed in again meanwhile; or merely expired, which an open socket outlives as before.
      if (conn.token !== token || !isAppError(e)) return;
      if (e.code === 'account_suspended') conn.ws.close(CLOSE.unauthorized, 'account suspended');
      else if (e.extra?.['revoked'] === true) conn.ws.close(CLOSE.accountChanged, 'account changed');
    }
  }

  /** Stop accepting, close sockets with a reconnect hint. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const conn of this.connections) conn.ws.close(CLOSE.restarting, 'server restarting');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/**
 * Over a cap: the socket is accepted, told why and closed with 1013 "try again later", which a
 * browser can read (a refused upgrade looks like a network failure); clients back off and retry.
 */
function turnAway(ws: WebSocket, title: string): void {
  ws.on('error', () => {}); // an unhandled 'error' would crash the process
  ws.send(JSON.stringify({ op: 'error', code: 'too_many_connections', title }));
  ws.close(CLOSE.tryAgainLater, 'too many connections');
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
