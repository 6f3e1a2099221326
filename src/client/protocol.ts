/**
 * The WebSocket protocol at /ws, defined once: the server's real-time layer (src/realtime), this
 * client library and the web app all import these types. JSON text frames.
 *
 * Client → server:
 *   {op:"sub", ch, since?, presence?}   subscribe; `since` = last seq seen, to resume where history
 *                            exists; `presence: false` = glancing (a list page): not counted as a viewer
 *   {op:"unsub", ch}
 *   {op:"time", c}           clock sync: answered {op:"time", c, s}
 *   {op:"ping", id?}         answered {op:"pong", id}
 *   {op:"auth", token}       sign in on an open socket (or send the JWT as the subprotocol
 *                            "bearer.<token>" beside "flashmob" when connecting)
 *   {op:"send", ch, ev, data} a message into a channel that accepts them (show chat, reactions)
 *
 * Server → client:
 *   {ch, ev, data, seq}      a channel frame; `seq` grows by one per frame of that channel
 *   {op:"subscribed", ch, seq} / {op:"unsubscribed", ch}
 *   {op:"error", code, title, ch?}   a problem with one frame; the socket stays open
 */

export const SUBPROTOCOL = 'flashmob';
export const BEARER_PREFIX = 'bearer.';

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  /** The client could not keep up: its send buffer passed the bound. Reconnect and resync. */
  slowConsumer: 4008,
  /** Too many frames, or too many bad ones, for too long. */
  abuse: 4029,
  /** The token presented was refused (also: the account was suspended). */
  unauthorized: 4001,
  /**
   * The account changed (role, password): reconnect with a current token. The token this socket
   * signed in with was revoked, so reconnecting with it is refused with 4001.
   */
  accountChanged: 4003,
  /** The server restarts; reconnect (with backoff). */
  restarting: 4012,
  /** The user was banned from a show this socket watched: do not reconnect to it. */
  banned: 4010,
  /** Over a connection cap (per address or per user): try again later, with backoff (RFC 6455 registry). */
  tryAgainLater: 1013,
} as const;

export type ClientFrame =
  | { op: 'sub'; ch: string; since?: number; presence?: boolean }
  | { op: 'unsub'; ch: string }
  | { op: 'time'; c: number }
  | { op: 'ping'; id?: string | number }
  | { op: 'auth'; token: string }
  | { op: 'send'; ch: string; ev: string; data: unknown };

/** A channel's frame: its event and data, numbered per channel for resume. */
export interface ChannelFrame<T = unknown> {
  readonly ch: string;
  readonly ev: string;
  readonly data: T;
  readonly seq: number;
}

/** A problem with one client frame (the socket stays open). */
export interface ErrorFrame {
  readonly op: 'error';
  readonly code: string;
  readonly title: string;
  readonly ch?: string;
  readonly [fact: string]: unknown;
}

/** The server's answers to client frames (channel frames aside). */
export type ControlFrame =
  | { readonly op: 'subscribed'; readonly ch: string; readonly seq: number }
  | { readonly op: 'unsubscribed'; readonly ch: string }
  | { readonly op: 'time'; readonly c: number; readonly s: number }
  | { readonly op: 'pong'; readonly id?: string | number }
  | ErrorFrame;

export type ServerFrame = ChannelFrame | ControlFrame;

/** A channel frame rather than a control frame (or anything else a socket might carry). */
export function isChannelFrame(frame: unknown): frame is ChannelFrame {
  const f = frame as Partial<ChannelFrame> | null;
  return typeof f === 'object' && f !== null && typeof f.ch === 'string' && typeof f.ev === 'string';
}
