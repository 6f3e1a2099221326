import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { FlashmobSocket, type Frame, type SocketStatus } from '../../../src/client/socket.ts';
import { serverClock } from './clock.ts';
import { session } from './session.ts';
import type { SaleState } from './types.ts';

interface RealtimeValue {
  readonly socket: FlashmobSocket;
  readonly status: SocketStatus;
}

const RealtimeContext = createContext<RealtimeValue | null>(null);

export const socketUrl = () => `${location.origin.replace(/^http/, 'ws')}/ws`;

/**
 * One WebSocket for the whole app. It carries the session's token, so signing in or out
 * replaces it (channels re-subscribe on their own: hooks depend on the socket).
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const token = useSyncExternalStore(session.subscribe, session.token);
  const [status, setStatus] = useState<SocketStatus>('idle');
  const socket = useMemo(
    () =>
      new FlashmobSocket({
        url: socketUrl(),
        ...(token ? { token } : {}),
        onStatus: setStatus,
        // The server refused the token (expired, or signed with a key it no longer has): sign
        // out, as the API does on invalid_token; the socket comes back as a guest's.
        onError: (e) => {
          if (e.code === 'unauthorized' && session.token() === token) session.set(null);
        },
      }),
    [token],
  );

  useEffect(() => {
    let live = true;
    socket.connect();
    void socket.synced().then(() => {
      if (live) serverClock.attach(socket);
    });
    return () => {
      live = false;
      serverClock.detach(socket);
      socket.close();
    };
  }, [socket]);

  const value = useMemo(() => ({ socket, status }), [socket, status]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  const v = useContext(RealtimeContext);
  if (!v) throw new Error('useRealtime outside RealtimeProvider');
  return v;
}

export interface ChannelOptions {
  /**
   * Count this subscriber as a viewer of the channel (default true). List pages and cards pass
   * `false`: browsing past a drop is a glance, not watching it.
   */
  readonly presence?: boolean;
}

/** Subscribes to a channel while mounted (and while `ch` is set); the handler may change freely. */
export function useChannel<T>(
  ch: string | null | undefined,
  handler: (frame: Frame<T>) => void,
  opts: ChannelOptions = {},
): void {
  const { socket } = useRealtime();
  const ref = useRef(handler);
  ref.current = handler;
  const presence = opts.presence !== false;
  useEffect(() => {
    if (!ch) return;
    return socket.subscribe<T>(ch, (f) => ref.current(f), presence ? {} : { presence: false });
  }, [socket, ch, presence]);
}

export interface LiveSale {
  /** The latest `state` frame (stock, status), or undefined until the first one. */
  readonly state: SaleState | undefined;
  /** Viewers on the sale channel (presence), or undefined until known. */
  readonly viewers: number | undefined;
}

const NOTHING: LiveSale = { state: undefined, viewers: undefined };

/**
 * A sale's live state and viewer count over `sale:ID`. Pass `enabled=false` to pause (off screen),
 * and `{ presence: false }` where the sale is only glanced at (cards, lists, the host's dashboard).
 */
export function useLiveSale(saleId: string | undefined, enabled = true, opts: ChannelOptions = {}): LiveSale {
  // Kept with the sale it belongs to: another sale's numbers are never shown.
  const [live, setLive] = useState<LiveSale & { id?: string | undefined }>(NOTHING);
  useChannel<unknown>(
    enabled && saleId ? `sale:${saleId}` : null,
    (f) => {
      setLive((l) => {
        const base = l.id === saleId ? l : { ...NOTHING, id: saleId };
        if (f.ev === 'state') return { ...base, state: f.data as SaleState };
        if (f.ev === 'presence') return { ...base, viewers: (f.data as { viewers: number }).viewers };
        return l;
      });
    },
    opts,
  );
  return live.id === saleId ? live : NOTHING;
}
