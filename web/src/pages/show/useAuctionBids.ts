import { useEffect, useRef, useState } from 'react';
import { ApiError, api, isRetriable, sleep, uuid } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import type { Friendly } from '../../lib/problems.ts';
import { useReachedAt } from '../../lib/ticker.ts';
import type { Auction } from '../../lib/types.ts';
import { type Gate, type Room, roomProblem } from './room.tsx';

// Live auctions: price, leader, time left on the server's clock (moving with extensions), bids.

/** Auctions this browser bid in (to tell "outbid" from "not bidding"). */
export const bidIn = new Set<string>();

/**
 * A live auction as this viewer sees it: the next bid (never below a refusal's minimum), whether
 * they lead or were outbid, the leader's name, the anti-sniping extension; `bid` places one
 * (retried on a network fault with one idempotency key).
 */
export function useAuctionBids({
  auction: a,
  me,
  room,
  gate,
}: {
  auction: Auction;
  me: string | undefined;
  room: Room;
  gate: Gate;
}) {
  const [busy, setBusy] = useState<number>();
  const [problem, setProblem] = useState<Friendly>();
  const [floor, setFloor] = useState<{ id: string; cents: number }>();
  const [extended, setExtended] = useState<number>();
  const [, setNamed] = useState(0);
  const lastEnd = useRef<{ id: string; endsAt: number }>(undefined);
  const asked = useRef<{ id: string; leader: string | null; at: number }>(undefined);
  const endsAt = Date.parse(a.endsAt);
  const clockOver = useReachedAt(endsAt);
  const running = a.status === 'running';
  const closing = running && clockOver;

  // Anti-sniping: a late bid moves the end; say so for a moment.
  useEffect(() => {
    const prev = lastEnd.current;
    lastEnd.current = { id: a.id, endsAt };
    if (!prev || prev.id !== a.id || endsAt <= prev.endsAt) return;
    setExtended(Math.round((endsAt - prev.endsAt) / 1000));
    const t = setTimeout(() => setExtended(undefined), 3_000);
    return () => clearTimeout(t);
  }, [a.id, endsAt]);

  // A new auction: earlier refusals and floors are for the last one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset per auction
  useEffect(() => setProblem(undefined), [a.id]);

  // The leader's name: from the chat, else the bids list (once per new unknown leader, at most
  // every 4 s: the state carries the leader's id, not a name).
  useEffect(() => {
    const leader = a.highBidderId;
    if (!leader || leader === me || room.nameOf(leader)) return;
    const last = asked.current;
    if (last && last.id === a.id && (last.leader === leader || Date.now() - last.at < 4_000)) return;
    asked.current = { id: a.id, leader, at: Date.now() };
    let live = true;
    api.auctionBids(a.id).then(
      (bids) => {
        for (const b of bids) room.learn(b.bidderId, b.bidderName);
        if (live) setNamed((n) => n + 1);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [a.id, a.highBidderId, me, room]);

  const next = Math.max(a.nextMinimumCents, floor?.id === a.id ? floor.cents : 0);
  const leading = !!me && a.highBidderId === me;
  const outbid = !leading && bidIn.has(a.id) && a.highBidderId !== null;
  const leaderName = leading
    ? 'You'
    : (room.nameOf(a.highBidderId) ?? (a.highBidderId ? 'A bidder' : undefined));
  const won = a.status === 'sold' && !!me && a.winnerId === me;
  const price = a.highCents ?? a.startCents;

  const place = async (amountCents: number) => {
    setBusy(amountCents);
    setProblem(undefined);
    const idempotencyKey = uuid();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await api.bid(a.id, { amountCents, idempotencyKey });
          bidIn.add(a.id);
          setFloor({ id: a.id, cents: res.nextMinimumCents });
          return;
        } catch (e) {
          if (isRetriable(e) && attempt < 2) {
            await sleep(250 * 2 ** attempt);
            continue;
          }
          if (
            e instanceof ApiError &&
            e.code === 'bid_too_low' &&
            typeof e.problem.minimumCents === 'number'
          ) {
            // Someone got there first: the button moves to the new minimum at once.
            setFloor({ id: a.id, cents: e.problem.minimumCents });
            setProblem({
              code: e.code,
              title: 'Someone bid first',
              detail: `The next bid is at least ${money(e.problem.minimumCents, a.currency)}. Tap Bid again.`,
            });
            return;
          }
          if (e instanceof ApiError && e.code === 'already_highest') bidIn.add(a.id);
          setProblem(roomProblem(e));
          return;
        }
      }
    } finally {
      setBusy(undefined);
    }
  };
  const bid = (amount: number) => gate('Sign in to bid', () => void place(amount));

  return { busy, problem, extended, running, closing, next, leading, outbid, leaderName, won, price, bid };
}
