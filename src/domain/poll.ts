/**
 * Live polls in a show: one vote per viewer, results as whole percentages. Pure: the service
 * checks a vote against the votes it holds, records the accepted one (a unique key on
 * (poll, voter) is the durable guard), and fans the tally out.
 */

export const MIN_POLL_OPTIONS = 2;
export const MAX_POLL_OPTIONS = 6;

export interface Poll {
  readonly question: string;
  readonly options: readonly string[];
}

interface Refused<C extends string, X> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
  readonly extra: X;
}

export type CreatePollResult =
  | { readonly ok: true; readonly value: Poll }
  | Refused<'invalid_poll', { readonly field: 'question' | 'options' }>;

export interface Vote {
  readonly voterId: string;
  readonly optionIndex: number;
}

export type VoteResult =
  | { readonly ok: true; readonly value: Vote }
  | Refused<'poll_closed', Record<string, never>>
  | Refused<'invalid_option', { readonly optionCount: number }>
  | Refused<'already_voted', { readonly optionIndex: number }>;

export interface OptionTally {
  readonly option: string;
  readonly count: number;
  /** Whole percent; the percentages of a poll with votes sum to exactly 100. */
  readonly percent: number;
}

export interface Tally {
  readonly total: number;
  readonly options: readonly OptionTally[];
}

/** A poll with trimmed text, or `invalid_poll`: empty question, or not 2–6 distinct options. */
export function createPoll(input: { question: string; options: readonly string[] }): CreatePollResult {
  const question = input.question.trim();
  const options = input.options.map((o) => o.trim());
  if (question === '') {
    return {
      ok: false,
      code: 'invalid_poll',
      message: 'A poll needs a question',
      extra: { field: 'question' },
    };
  }
  const distinct = new Set(options.map((o) => o.toLowerCase()));
  if (
    options.length < MIN_POLL_OPTIONS ||
    options.length > MAX_POLL_OPTIONS ||
    options.includes('') ||
    distinct.size !== options.length
  ) {
    const message = `A poll needs ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} distinct, non-empty options`;
    return { ok: false, code: 'invalid_poll', message, extra: { field: 'options' } };
  }
  return { ok: true, value: { question, options } };
}

/**
 * Judges one vote. On success it returns the vote to record; `votes` is not changed (the
 * caller owns the store of votes, so one vote costs O(1), not a copy of everyone's).
 */
export function vote(
  poll: Poll,
  votes: ReadonlyMap<string, number>,
  voterId: string,
  optionIndex: number,
  closed: boolean,
): VoteResult {
  if (closed) return { ok: false, code: 'poll_closed', message: 'The poll is closed', extra: {} };
  if (!Number.isInteger(optionIndex) || optionIndex < 0 || optionIndex >= poll.options.length) {
    const optionCount = poll.options.length;
    return { ok: false, code: 'invalid_option', message: 'No such option', extra: { optionCount } };
  }
  const earlier = votes.get(voterId);
  if (earlier !== undefined) {
    const message = 'You have already voted';
    return { ok: false, code: 'already_voted', message, extra: { optionIndex: earlier } };
  }
  return { ok: true, value: { voterId, optionIndex } };
}

/**
 * Integer percentages that sum to 100 (largest-remainder method): floor every share, then hand
 * the missing points to the largest remainders, earlier options first on a tie, so the bars a
 * viewer sees always add up. Votes for an index outside the options are ignored.
 */
export function tally(options: readonly string[], votes: ReadonlyMap<string, number>): Tally {
  const counts = options.map(() => 0);
  for (const index of votes.values()) {
    const current = counts[index];
    if (current !== undefined) counts[index] = current + 1;
  }
  return tallyCounts(options, counts);
}

/** The same tally from the count of votes per option (what a database GROUP BY gives). */
export function tallyCounts(options: readonly string[], counts: readonly number[]): Tally {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return { total, options: options.map((option) => ({ option, count: 0, percent: 0 })) };
  const percents: number[] = counts.map((c) => Math.floor((c * 100) / total));
  const missing = 100 - percents.reduce((a, b) => a + b, 0);
  const byRemainder = counts
    .map((c, index) => ({ index, remainder: (c * 100) % total }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder.slice(0, missing)) percents[index] = (percents[index] ?? 0) + 1;
  return {
    total,
    options: options.map((option, i) => ({ option, count: counts[i] ?? 0, percent: percents[i] ?? 0 })),
  };
}
