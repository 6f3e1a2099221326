import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import {
  type AuctionConfig,
  type AuctionState,
  type Bid,
  createAuction,
  endAuction,
  isOver,
  minimumNextBid,
  placeBid,
  placeBids,
  settle,
  timeLeftMs,
} from './auction.ts';

const T0 = 1_700_000_000_000;
const config = (over: Partial<AuctionConfig> = {}): AuctionConfig => ({
  startCents: 1000,
  incrementCents: 100,
  startsAt: T0,
  durationSeconds: 60,
  suddenDeath: false,
  ...over,
});
const open = (c: AuctionConfig): AuctionState => {
  const r = createAuction(c);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
let seq = 0;
const bid = (bidderId: string, amountCents: number, at: number, id = `bid_${++seq}`): Bid => ({
  id,
  bidderId,
  amountCents,
  at,
});
/** Places bids one by one, failing the test on a refusal. */
const run = (c: AuctionConfig, bids: Bid[]): AuctionState =>
  bids.reduce((s, b) => {
    const r = placeBid(c, s, b);
    if (!r.ok) throw new Error(`${b.id} refused: ${r.code}`);
    return r.value.state;
  }, open(c));

describe('auction', () => {
  it('auction - a new auction ends durationSeconds after it starts, with no bids', () => {
    expect(open(config())).toEqual({ endsAt: T0 + 60_000, bids: [], status: 'open' });
  });

  it('auction - an unusable config is refused with the field named', () => {
    const r = createAuction(config({ incrementCents: 0 }));
    expect(r).toMatchObject({ ok: false, code: 'invalid_auction', extra: { field: 'incrementCents' } });
    expect(createAuction(config({ reserveCents: 12.5 }))).toMatchObject({ extra: { field: 'reserveCents' } });
    expect(createAuction(config({ extendWindowSeconds: -1 }))).toMatchObject({
      extra: { field: 'extendWindowSeconds' },
    });
  });

  it('auction - the minimum next bid is the start price before any bid', () => {
    expect(minimumNextBid(config(), open(config()))).toBe(1000);
  });

  it('auction - the minimum next bid is the highest bid plus the increment', () => {
    const s = run(config(), [bid('a', 1000, T0), bid('b', 1500, T0 + 1)]);
    expect(minimumNextBid(config(), s)).toBe(1600);
  });

  it('auction - an accepted bid is appended to a new state and the input is not mutated', () => {
    const s0 = open(config());
    const frozen = Object.freeze({ ...s0, bids: Object.freeze([...s0.bids]) });
    const r = placeBid(config(), frozen, bid('a', 1000, T0 + 5, 'bid_x'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.state.bids).toEqual([{ id: 'bid_x', bidderId: 'a', amountCents: 1000, at: T0 + 5 }]);
    expect(r.value.replay).toBe(false);
    expect(frozen.bids).toHaveLength(0);
  });

  it('auction - a bid before the start is refused with auction_not_started', () => {
    const r = placeBid(config(), open(config()), bid('a', 1000, T0 - 1));
    expect(r).toMatchObject({ ok: false, code: 'auction_not_started', extra: { startsAt: T0 } });
  });

  it('auction - a bid at the end instant is refused with auction_ended', () => {
    const r = placeBid(config(), open(config()), bid('a', 1000, T0 + 60_000));
    expect(r).toMatchObject({ ok: false, code: 'auction_ended', extra: { endsAt: T0 + 60_000 } });
  });

  it('auction - a bid one millisecond before the end is accepted', () => {
    const c = config({ suddenDeath: true });
    expect(placeBid(c, open(c), bid('a', 1000, T0 + 59_999)).ok).toBe(true);
  });

  it('auction - a bid on a closed auction is refused with auction_ended', () => {
    const s = endAuction(open(config()), T0 + 1000);
    expect(placeBid(config(), s, bid('a', 1000, T0 + 500))).toMatchObject({ code: 'auction_ended' });
  });

  it('auction - a bid below the minimum is refused with bid_too_low and the minimum', () => {
    const s = run(config(), [bid('a', 1000, T0)]);
    const r = placeBid(config(), s, bid('b', 1099, T0 + 1));
    expect(r).toMatchObject({ ok: false, code: 'bid_too_low', extra: { minimumCents: 1100 } });
  });

  it('auction - a first bid below the start price is refused with bid_too_low', () => {
    const r = placeBid(config(), open(config()), bid('a', 999, T0));
    expect(r).toMatchObject({ code: 'bid_too_low', extra: { minimumCents: 1000 } });
  });

  it('auction - the highest bidder bidding again is refused with already_highest', () => {
    const s = run(config(), [bid('a', 1000, T0)]);
    const r = placeBid(config(), s, bid('a', 5000, T0 + 1));
    expect(r).toMatchObject({ ok: false, code: 'already_highest', extra: { amountCents: 1000 } });
  });

  it('auction - an outbid bidder may bid again', () => {
    const s = run(config(), [bid('a', 1000, T0), bid('b', 1100, T0 + 1)]);
    expect(placeBid(config(), s, bid('a', 1200, T0 + 2)).ok).toBe(true);
  });

  it('auction - amounts that are not positive integers are refused with invalid_amount', () => {
    for (const amount of [0, -100, 10.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(placeBid(config(), open(config()), bid('a', amount, T0))).toMatchObject({
        ok: false,
        code: 'invalid_amount',
      });
    }
  });

  it('auction - a retried bid id is answered as a replay without changing the state', () => {
    const s = run(config(), [bid('a', 1000, T0, 'bid_1')]);
    const r = placeBid(config(), s, bid('a', 1000, T0 + 70_000, 'bid_1'));
    expect(r).toMatchObject({ ok: true, value: { replay: true, bid: { id: 'bid_1', at: T0 } } });
    if (r.ok) expect(r.value.state).toBe(s);
  });

  it('auction - a bid inside the anti-sniping window extends the end to the bid time plus the window', () => {
    const r = placeBid(config(), open(config()), bid('a', 1000, T0 + 55_000));
    expect(r).toMatchObject({ ok: true, value: { extended: true, endsAt: T0 + 65_000 } });
    if (r.ok) expect(r.value.state.endsAt).toBe(T0 + 65_000);
  });

  it('auction - a bid exactly one window before the end does not extend it', () => {
    const r = placeBid(config(), open(config()), bid('a', 1000, T0 + 50_000));
    expect(r).toMatchObject({ ok: true, value: { extended: false, endsAt: T0 + 60_000 } });
  });

  it('auction - successive late bids keep pushing the end out', () => {
    const s = run(config(), [
      bid('a', 1000, T0 + 59_000),
      bid('b', 1100, T0 + 68_000),
      bid('a', 1200, T0 + 77_500),
    ]);
    expect(s.endsAt).toBe(T0 + 87_500);
  });

  it('auction - an extension never shortens the end', () => {
    // The end already sits 10 s after a bid; an earlier-stamped bid must not pull it in.
    const s = run(config(), [bid('a', 1000, T0 + 58_000), bid('b', 1100, T0 + 57_000)]);
    expect(s.endsAt).toBe(T0 + 68_000);
  });

  it('auction - a custom anti-sniping window is honoured', () => {
    const c = config({ extendWindowSeconds: 30 });
    const s = run(c, [bid('a', 1000, T0 + 40_000)]);
    expect(s.endsAt).toBe(T0 + 70_000);
  });

  it('auction - sudden death never extends the end', () => {
    const c = config({ suddenDeath: true });
    const s = run(c, [bid('a', 1000, T0 + 55_000), bid('b', 1100, T0 + 59_000), bid('a', 1200, T0 + 59_999)]);
    expect(s.endsAt).toBe(T0 + 60_000);
    expect(placeBid(c, s, bid('b', 1300, T0 + 60_000))).toMatchObject({ code: 'auction_ended' });
  });

  it('auction - a bid after an extended end is refused', () => {
    const s = run(config(), [bid('a', 1000, T0 + 55_000)]);
    expect(placeBid(config(), s, bid('b', 1100, T0 + 64_999)).ok).toBe(true);
    expect(placeBid(config(), s, bid('b', 1100, T0 + 65_000))).toMatchObject({ code: 'auction_ended' });
  });

  it('auction - placeBids judges each bid against the state the earlier ones left', () => {
    const { outcomes, state } = placeBids(config(), open(config()), [
      bid('a', 1000, T0),
      bid('b', 1000, T0 + 1),
      bid('b', 1100, T0 + 2),
      bid('b', 1300, T0 + 3),
      bid('c', 1300, T0 + 4),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'ok',
      'bid_too_low',
      'ok',
      'already_highest',
      'ok',
    ]);
    expect(state.bids.map((b) => b.amountCents)).toEqual([1000, 1100, 1300]);
  });

  it('auction - placeBids answers a duplicate within one batch as a replay', () => {
    const { outcomes, state } = placeBids(config(), open(config()), [
      bid('a', 1000, T0, 'bid_d'),
      bid('a', 1000, T0, 'bid_d'),
    ]);
    expect(outcomes.map((o) => o.ok && o.value.replay)).toEqual([false, true]);
    expect(state.bids).toHaveLength(1);
  });

  it('auction - placeBids with no accepted bid returns the same state', () => {
    const s = open(config());
    expect(placeBids(config(), s, [bid('a', 1, T0)]).state).toBe(s);
  });

  it('auction - placeBids reports the extended end on each outcome', () => {
    const { outcomes, state } = placeBids(config(), open(config()), [
      bid('a', 1000, T0 + 30_000),
      bid('b', 1100, T0 + 58_000),
    ]);
    expect(outcomes.map((o) => o.ok && o.value.endsAt)).toEqual([T0 + 60_000, T0 + 68_000]);
    expect(state.endsAt).toBe(T0 + 68_000);
  });

  it('auction - time left counts down to zero and stays there', () => {
    const s = open(config());
    expect(timeLeftMs(s, T0 - 5000)).toBe(65_000);
    expect(timeLeftMs(s, T0 + 59_000)).toBe(1000);
    expect(timeLeftMs(s, T0 + 90_000)).toBe(0);
    expect(isOver(s, T0 + 59_999)).toBe(false);
    expect(isOver(s, T0 + 60_000)).toBe(true);
  });

  it('auction - ending early closes the auction and moves the end in', () => {
    const s = endAuction(open(config()), T0 + 20_000);
    expect(s).toMatchObject({ status: 'closed', endsAt: T0 + 20_000 });
    expect(timeLeftMs(s, T0 + 1000)).toBe(0);
  });

  it('auction - settling without bids reports no_bids', () => {
    expect(settle(config(), open(config()))).toEqual({ outcome: 'no_bids' });
  });

  it('auction - settling sells to the highest bid with the runner-up at their highest bid', () => {
    const s = run(config(), [
      bid('a', 1000, T0, 'b1'),
      bid('b', 1200, T0 + 1, 'b2'),
      bid('a', 1500, T0 + 2, 'b3'),
      bid('c', 1600, T0 + 3, 'b4'),
      bid('a', 2000, T0 + 4, 'b5'),
    ]);
    expect(settle(config(), s)).toEqual({
      outcome: 'sold',
      winner: { bidderId: 'a', amountCents: 2000, bidId: 'b5' },
      runnerUp: { bidderId: 'c', amountCents: 1600, bidId: 'b4' },
    });
  });

  it('auction - settling with a single bidder has no runner-up', () => {
    const s = run(config(), [bid('a', 1000, T0, 'only')]);
    expect(settle(config(), s)).toEqual({
      outcome: 'sold',
      winner: { bidderId: 'a', amountCents: 1000, bidId: 'only' },
    });
  });

  it('auction - equal amounts settle to the earlier bid', () => {
    // Increments make this impossible through placeBid; a state loaded from elsewhere may have it.
    const s: AuctionState = {
      endsAt: T0 + 60_000,
      status: 'closed',
      bids: [bid('late', 3000, T0 + 20, 'x2'), bid('early', 3000, T0 + 10, 'x1'), bid('c', 2000, T0, 'x0')],
    };
    expect(settle(config(), s)).toEqual({
      outcome: 'sold',
      winner: { bidderId: 'early', amountCents: 3000, bidId: 'x1' },
      runnerUp: { bidderId: 'late', amountCents: 3000, bidId: 'x2' },
    });
  });

  it('auction - a highest bid below the reserve is not sold', () => {
    const c = config({ reserveCents: 5000 });
    const s = run(c, [bid('a', 1000, T0), bid('b', 4900, T0 + 1)]);
    expect(settle(c, s)).toEqual({ outcome: 'reserve_not_met', highestCents: 4900 });
  });

  it('auction - a highest bid at the reserve is sold', () => {
    const c = config({ reserveCents: 5000 });
    const s = run(c, [bid('a', 5000, T0, 'r1')]);
    expect(settle(c, s)).toMatchObject({ outcome: 'sold', winner: { amountCents: 5000 } });
  });

  it('auction - a runner-up below the reserve is left out', () => {
    const c = config({ reserveCents: 5000 });
    const s = run(c, [bid('a', 1000, T0), bid('b', 6000, T0 + 1)]);
    const r = settle(c, s);
    expect(r).toMatchObject({ outcome: 'sold', winner: { bidderId: 'b' } });
    expect(r).not.toHaveProperty('runnerUp');
  });

  it('auction - 1,000 random bids from 200 bidders end with one winner at the top bid (randomised)', () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const random = seededRandom(seed);
      const c = config({
        startCents: 500,
        incrementCents: 50,
        durationSeconds: 120,
        suddenDeath: seed % 2 === 0,
      });
      let state = open(c);
      const accepted: Bid[] = [];
      let at = T0 - 2000;
      let i = 0;
      while (i < 1000) {
        // Bids arrive in batches, with amounts around the going price: some too low, some equal.
        const size = 1 + Math.floor(random() * 20);
        const going = minimumNextBid(c, state);
        const batch = Array.from({ length: Math.min(size, 1000 - i) }, () => {
          at += Math.floor(random() * 250);
          const amount = going + Math.floor((random() - 0.3) * 400);
          const jitter = Math.floor(random() * 40);
          return bid(`u${Math.floor(random() * 200)}`, amount, at + jitter, `r${seed}-${i++}`);
        });
        const { outcomes, state: next } = placeBids(c, state, batch);
        expect(outcomes).toHaveLength(batch.length);
        outcomes.forEach((o) => {
          if (o.ok) accepted.push(o.value.bid);
        });
        state = next;
      }
      expect(state.bids).toEqual(accepted);
      expect(accepted.length).toBeGreaterThan(10);
      accepted.forEach((b, k) => {
        const prev = accepted[k - 1];
        expect(b.amountCents).toBeGreaterThanOrEqual(
          prev ? prev.amountCents + c.incrementCents : c.startCents,
        );
        expect(b.bidderId).not.toBe(prev?.bidderId);
        expect(b.at).toBeGreaterThanOrEqual(c.startsAt);
      });
      if (c.suddenDeath) expect(state.endsAt).toBe(T0 + 120_000);
      const max = Math.max(...accepted.map((b) => b.amountCents));
      const result = settle(c, state);
      expect(result.outcome).toBe('sold');
      if (result.outcome !== 'sold') return;
      expect(accepted.filter((b) => b.amountCents === max)).toHaveLength(1);
      expect(result.winner.amountCents).toBe(max);
      expect(result.winner.bidId).toBe(accepted.at(-1)?.id);
      expect(result.runnerUp?.bidderId).not.toBe(result.winner.bidderId);
    }
  });
});
