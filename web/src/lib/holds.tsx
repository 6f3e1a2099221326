import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { Frame } from '../../../src/client/socket.ts';
import { api } from './api.ts';
import { useSession } from './auth.ts';
import { useChannel } from './realtime.tsx';
import { navigate } from './router.tsx';
import { useToasts } from './toast.tsx';
import type { Order, Reservation, SaleItem } from './types.ts';

/** A unit set aside for the buyer until `expiresAt` (server time). */
export interface Hold {
  readonly id: string;
  readonly saleId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly expiresAt: string;
  readonly priceCents?: number | undefined;
  readonly currency?: string | undefined;
}

/** Titles and images of items seen on screen, so that a notification can name them. */
const itemInfo = new Map<string, Pick<SaleItem, 'title' | 'imageUrl' | 'priceCents' | 'currency'>>();
export function rememberItems(items: readonly SaleItem[]): void {
  for (const i of items) itemInfo.set(i.sku, i);
}
export const itemTitle = (sku: string) => itemInfo.get(sku)?.title ?? sku;
export const itemImage = (sku: string) => itemInfo.get(sku)?.imageUrl ?? null;

type UserEventFn = (frame: Frame) => void;

interface HoldsValue {
  readonly holds: readonly Hold[];
  add(r: Reservation | Hold): void;
  release(id: string): Promise<void>;
  refresh(): Promise<void>;
  /** Every frame of the user channel (orders, holds), for pages that follow one order. */
  onUserEvent(fn: UserEventFn): () => void;
}

const HoldsContext = createContext<HoldsValue | null>(null);

const toHold = (r: Reservation | Hold): Hold => ({
  id: r.id,
  saleId: r.saleId,
  sku: r.sku,
  quantity: r.quantity,
  expiresAt: r.expiresAt,
  priceCents: r.priceCents,
  currency: r.currency,
});

/**
 * The buyer's live holds, from the `user` channel: a `reset` with what is held, then
 * reservation.created / expired / released, waitlist offers and order events as they happen.
 */
export function HoldsProvider({ children }: { children: ReactNode }) {
  const s = useSession();
  const { notify } = useToasts();
  const [holds, setHolds] = useState<Hold[]>([]);
  const listeners = useRef(new Set<UserEventFn>());

  useEffect(() => {
    if (!s) setHolds([]);
  }, [s]);

  const refresh = useCallback(async () => {
    if (!s) return;
    const list = await api.reservations('held');
    setHolds(list.map(toHold));
  }, [s]);

  const add = useCallback((r: Reservation | Hold) => {
    setHolds((hs) => (hs.some((h) => h.id === r.id) ? hs : [toHold(r), ...hs]));
  }, []);

  const remove = useCallback((id: string) => setHolds((hs) => hs.filter((h) => h.id !== id)), []);

  const release = useCallback(
    async (id: string) => {
      try {
        await api.release(id);
      } finally {
        remove(id);
      }
    },
    [remove],
  );

  useChannel<Record<string, unknown>>(s ? 'user' : null, (f) => {
    const d = f.data;
    switch (f.ev) {
      case 'reset':
        setHolds(((d.reservations as Reservation[]) ?? []).filter((r) => r.state === 'held').map(toHold));
        break;
      case 'reservation.created':
        add(d as unknown as Hold);
        break;
      case 'reservation.expired':
        remove(String(d.id));
        notify({
          tone: 'warning',
          title: 'Hold expired',
          detail: `${itemTitle(String(d.sku))} went back to the drop.`,
        });
        break;
      case 'reservation.released':
        remove(String(d.id));
        break;
      case 'waitlist.offered':
        add({
          id: String(d.reservationId),
          saleId: String(d.saleId),
          sku: String(d.sku),
          quantity: Number(d.quantity),
          expiresAt: String(d.expiresAt),
        });
        notify({
          tone: 'success',
          title: "It's back: it's yours!",
          detail: `A ${itemTitle(String(d.sku))} came back and is held for you. Check out before the timer ends.`,
          ms: 10_000,
        });
        break;
      case 'host.live': {
        // A host this buyer follows went live: say who (the frame names the show), link to the room.
        const showId = String(d.showId);
        if (location.pathname === `/shows/${showId}`) break;
        const title = typeof d.title === 'string' ? d.title : 'A live show';
        void api
          .show(showId)
          .then(
            (s) => s.hostName,
            () => undefined,
          )
          .then((name) =>
            notify({
              tone: 'info',
              title: `${name ?? 'A host you follow'} is live`,
              detail: title,
              ms: 15_000,
              action: { label: 'Watch', onClick: () => navigate(`/shows/${showId}`) },
            }),
          );
        break;
      }
      case 'auction.won':
      case 'auction.offered': {
        const orderId = String(d.orderId);
        const won = f.ev === 'auction.won';
        // In the show's room the auction panel says it already, with its own Pay button.
        if (won && location.pathname === `/shows/${String(d.showId)}`) break;
        notify({
          tone: 'success',
          title: won ? 'You won the auction!' : "The winner didn't pay: it's yours if you want it",
          detail: won
            ? 'Pay within 15 minutes to keep it: the runner-up is next in line.'
            : 'Offered to you at your last bid, once. Pay for it to keep it.',
          ms: 20_000,
          action: { label: 'Pay now', onClick: () => navigate(`/orders/${orderId}`) },
        });
        break;
      }
      default:
        // Not refreshed: the list stays as it was until the next order event or page load.
        if (f.ev.startsWith('order.')) void refresh().catch(() => {});
    }
    for (const l of listeners.current) l(f as Frame);
  });

  const onUserEvent = useCallback((fn: UserEventFn) => {
    listeners.current.add(fn);
    return () => {
      listeners.current.delete(fn);
    };
  }, []);

  const value = useMemo(
    () => ({ holds, add, release, refresh, onUserEvent }),
    [holds, add, release, refresh, onUserEvent],
  );
  return <HoldsContext.Provider value={value}>{children}</HoldsContext.Provider>;
}

export function useHolds(): HoldsValue {
  const v = useContext(HoldsContext);
  if (!v) throw new Error('useHolds outside HoldsProvider');
  return v;
}

/** Follows one order: its latest state, live from the user channel (polling as a safety net). */
export function useLiveOrder(orderId: string | undefined, initial?: Order) {
  const { onUserEvent } = useHolds();
  const [order, setOrder] = useState<Order | undefined>(initial);
  const [error, setError] = useState<unknown>();
  const current = useRef(order);
  current.current = order;
  useEffect(() => {
    if (!orderId) return;
    let live = true;
    const load = () =>
      api.order(orderId).then(
        (o) => live && setOrder(o),
        (e) => live && setError(e),
      );
    void load();
    const off = onUserEvent((f) => {
      const d = f.data as { orderId?: string };
      if (f.ev.startsWith('order.') && d?.orderId === orderId) void load();
    });
    // Until the order settles, also ask now and then (a missed frame must not leave it stuck).
    // An order waiting for the buyer to start paying (an auction won) only moves when they do.
    const poll = setInterval(() => {
      const o = current.current;
      if (!o || (o.state === 'pending_payment' && o.payment !== null)) void load();
    }, 3000);
    return () => {
      live = false;
      off();
      clearInterval(poll);
    };
  }, [orderId, onUserEvent]);
  return { order, error, setOrder };
}
