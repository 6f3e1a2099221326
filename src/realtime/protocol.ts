/**
 * The WebSocket protocol at /ws. JSON text frames.
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
import { findUnsafeText } from '../platform/text.ts';

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

export interface ChannelFrame<T = unknown> {
  ch: string;
  ev: string;
  data: T;
  seq: number;
}

export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: 'bad_frame' | 'validation_failed'; title: string };

const CHANNEL = /^(sale|show|queue|user)(:[A-Za-z0-9_:-]{1,120})?$/;

const bad = (title: string): ParseResult => ({ ok: false, code: 'bad_frame', title });

/** Parses and validates one client frame; never throws. */
export function parseClientFrame(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad('Frame is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return bad('Frame must be a JSON object');
  // The HTTP schemas' text rule, over the whole frame (the channel's own schema then checks
  // `data`): NUL, unpaired surrogates and control characters other than tab and line breaks
  // never reach a channel, a service or the store.
  const unsafe = findUnsafeText(raw, 'multiline');
  if (unsafe) return { ok: false, code: 'validation_failed', title: `frame${unsafe.path} ${unsafe.reason}` };
  const f = raw as Record<string, unknown>;
  switch (f.op) {
    case 'sub':
    case 'unsub': {
      if (typeof f.ch !== 'string' || !CHANNEL.test(f.ch))
        return bad('ch must be a channel such as "sale:<id>" or "user"');
      if (
        f.op === 'sub' &&
        f.since !== undefined &&
        !(Number.isInteger(f.since) && (f.since as number) >= 0)
      ) {
        return bad('since must be a non-negative integer');
      }
      if (f.op === 'sub' && f.presence !== undefined && typeof f.presence !== 'boolean') {
        return bad('presence must be a boolean');
      }
      return f.op === 'sub'
        ? {
            ok: true,
            frame: {
              op: 'sub',
              ch: f.ch,
              ...(f.since === undefined ? {} : { since: f.since as number }),
              ...(f.presence === false ? { presence: false } : {}),
            },
          }
        : { ok: true, frame: { op: 'unsub', ch: f.ch } };
    }
    case 'time':
      if (typeof f.c !== 'number' || !Number.isFinite(f.c))
        return bad('time needs c, the client clock in ms');
      return { ok: true, frame: { op: 'time', c: f.c } };
    case 'ping':
      if (f.id !== undefined && typeof f.id !== 'string' && typeof f.id !== 'number')
        return bad('ping id must be a string or number');
      return {
        ok: true,
        frame: { op: 'ping', ...(f.id === undefined ? {} : { id: f.id as string | number }) },
      };
    case 'auth':
      if (typeof f.token !== 'string' || f.token.length > 4_096) return bad('auth needs a token');
      return { ok: true, frame: { op: 'auth', token: f.token } };
    case 'send':
      if (typeof f.ch !== 'string' || !CHANNEL.test(f.ch)) return bad('send needs a channel');
      if (typeof f.ev !== 'string' || !/^[a-z_.]{1,40}$/.test(f.ev)) return bad('send needs ev');
      return { ok: true, frame: { op: 'send', ch: f.ch, ev: f.ev, data: f.data } };
    default:
      return bad('op must be one of sub, unsub, time, ping, auth, send');
  }
}
