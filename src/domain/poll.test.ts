import { describe, expect, it } from 'vitest';
import { createPoll, type Poll, tally, vote } from './poll.ts';

const poll: Poll = { question: 'Which colour next?', options: ['Red', 'Green', 'Blue'] };
const votesOf = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('poll', () => {
  it('poll - creating trims the question and options', () => {
    const r = createPoll({ question: '  Next drop? ', options: [' Hoodie', 'Cap '] });
    expect(r).toEqual({ ok: true, value: { question: 'Next drop?', options: ['Hoodie', 'Cap'] } });
  });

  it('poll - creating accepts two to six options', () => {
    expect(createPoll({ question: 'q', options: ['a', 'b'] }).ok).toBe(true);
    expect(createPoll({ question: 'q', options: ['a', 'b', 'c', 'd', 'e', 'f'] }).ok).toBe(true);
  });

  it('poll - creating with fewer than two or more than six options is refused', () => {
    for (const options of [['a'], ['a', 'b', 'c', 'd', 'e', 'f', 'g']]) {
      expect(createPoll({ question: 'q', options })).toMatchObject({
        ok: false,
        code: 'invalid_poll',
        extra: { field: 'options' },
      });
    }
  });

  it('poll - creating with an empty or duplicate option is refused', () => {
    expect(createPoll({ question: 'q', options: ['a', '  '] })).toMatchObject({ code: 'invalid_poll' });
    expect(createPoll({ question: 'q', options: ['Red', 'red '] })).toMatchObject({ code: 'invalid_poll' });
  });

  it('poll - creating with a blank question is refused', () => {
    expect(createPoll({ question: '   ', options: ['a', 'b'] })).toMatchObject({
      code: 'invalid_poll',
      extra: { field: 'question' },
    });
  });

  it('poll - a first vote on an open poll is accepted and returned to record', () => {
    expect(vote(poll, new Map(), 'v1', 2, false)).toEqual({
      ok: true,
      value: { voterId: 'v1', optionIndex: 2 },
    });
  });

  it('poll - a vote does not change the votes it was given', () => {
    const votes = votesOf({ v1: 0 });
    vote(poll, votes, 'v2', 1, false);
    expect([...votes]).toEqual([['v1', 0]]);
  });

  it('poll - a second vote by the same viewer is refused with already_voted', () => {
    const r = vote(poll, votesOf({ v1: 0 }), 'v1', 1, false);
    expect(r).toMatchObject({ ok: false, code: 'already_voted', extra: { optionIndex: 0 } });
  });

  it('poll - a vote on a closed poll is refused with poll_closed', () => {
    expect(vote(poll, new Map(), 'v1', 0, true)).toMatchObject({ ok: false, code: 'poll_closed' });
  });

  it('poll - a vote for an option that does not exist is refused with invalid_option', () => {
    for (const index of [-1, 3, 1.5, Number.NaN]) {
      expect(vote(poll, new Map(), 'v1', index, false)).toMatchObject({
        ok: false,
        code: 'invalid_option',
        extra: { optionCount: 3 },
      });
    }
  });

  it('poll - tally counts votes per option', () => {
    const t = tally(poll.options, votesOf({ a: 0, b: 2, c: 2, d: 2 }));
    expect(t.total).toBe(4);
    expect(t.options.map((o) => o.count)).toEqual([1, 0, 3]);
    expect(t.options.map((o) => o.percent)).toEqual([25, 0, 75]);
  });

  it('poll - tally of a three-way tie sums to 100 with the extra point on the first option', () => {
    const t = tally(poll.options, votesOf({ a: 0, b: 1, c: 2 }));
    expect(t.options.map((o) => o.percent)).toEqual([34, 33, 33]);
  });

  it('poll - tally gives missing points to the largest remainders', () => {
    // 2/7 = 28.57, 2/7 = 28.57, 3/7 = 42.86 → floors 28+28+42 = 98; the .86 and the first .57 win.
    const t = tally(['a', 'b', 'c'], votesOf({ v1: 0, v2: 0, v3: 1, v4: 1, v5: 2, v6: 2, v7: 2 }));
    expect(t.options.map((o) => o.percent)).toEqual([29, 28, 43]);
  });

  it('poll - tally with no votes is all zero', () => {
    const t = tally(poll.options, new Map());
    expect(t).toEqual({
      total: 0,
      options: [
        { option: 'Red', count: 0, percent: 0 },
        { option: 'Green', count: 0, percent: 0 },
        { option: 'Blue', count: 0, percent: 0 },
      ],
    });
  });

  it('poll - tally ignores votes for options that do not exist', () => {
    const t = tally(['a', 'b'], votesOf({ v1: 0, v2: 5, v3: -1 }));
    expect(t.total).toBe(1);
    expect(t.options.map((o) => o.percent)).toEqual([100, 0]);
  });

  it('poll - tally percentages always sum to 100 (randomised)', () => {
    for (let round = 0; round < 500; round++) {
      const n = 2 + (round % 5);
      const options = Array.from({ length: n }, (_, i) => `o${i}`);
      const votes = new Map<string, number>();
      const voters = 1 + Math.floor(Math.random() * 300);
      for (let v = 0; v < voters; v++) votes.set(`v${v}`, Math.floor(Math.random() * n));
      const t = tally(options, votes);
      expect(t.options.reduce((a, o) => a + o.percent, 0)).toBe(100);
      for (const o of t.options) expect(Math.abs(o.percent - (o.count * 100) / t.total)).toBeLessThan(1);
    }
  });
});
