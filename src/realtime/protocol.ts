/**
 * The server's side of the WebSocket protocol: parsing and validating client frames. The frames
 * themselves, the subprotocol and the close codes are defined once in src/client/protocol.ts,
 * which the client library and the web app import too.
 */
import {
  BEARER_PREFIX,
  type ChannelFrame,
  CLOSE,
  type ClientFrame,
  SUBPROTOCOL,
} from '../client/protocol.ts';
import { findUnsafeText } from '../platform/text.ts';

export { BEARER_PREFIX, type ChannelFrame, CLOSE, type ClientFrame, SUBPROTOCOL };

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
