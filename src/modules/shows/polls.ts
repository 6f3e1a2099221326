import { createPoll, type Tally, tallyCounts, vote } from '../../domain/poll.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PG, pgCode, type Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import type { ShowsService } from './service.ts';

export const POLL_SUBJECT = 'show.poll';

export interface PollView {
  readonly id: string;
  readonly showId: string;
  readonly question: string;
  readonly status: 'open' | 'closed';
  readonly results: Tally;
}

/** Polls: the host asks, each viewer votes once (a primary key, not a hope), results live. */
export class PollsService {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly shows: ShowsService,
    private readonly onCommit: () => void,
  ) {}

  async open(
    actor: Principal,
    showId: string,
    input: { question: string; options: string[] },
  ): Promise<PollView> {
    const show = await this.shows.owned(actor, showId);
    if (show.status === 'ended') throw new AppError('show_ended', 'This show has ended');
    const poll = createPoll(input);
    if (!poll.ok) throw new AppError(poll.code, poll.message, { extra: poll.extra });
    const id = newId('poll');
    await this.store.transaction(async (tx) => {
      await tx.query(
        `update polls set status = 'closed', closed_at = now() where show_id = $1 and status = 'open'`,
        [showId],
      );
      await tx.query(
        `insert into polls (id, show_id, question, options, status) values ($1, $2, $3, $4::jsonb, 'open')`,
        [id, showId, poll.value.question, JSON.stringify(poll.value.options)],
      );
      await appendEvents(tx, [{ type: 'poll.opened', key: showId, payload: { showId, pollId: id } }]);
    });
    this.onCommit();
    return (await this.view(id)) as PollView;
  }

  async vote(voterId: string, pollId: string, option: number): Promise<PollView> {
    const [poll] = await this.store.query<{
      show_id: string;
      question: string;
      options: string[];
      status: string;
    }>('select show_id, question, options, status from polls where id = $1', [pollId]);
    if (!poll) throw new AppError('not_found', 'No such poll');
    await this.shows.assertTakesPart(poll.show_id, voterId);
    // Judged without the earlier votes (no read per vote): the unique key on (poll, voter) is the
    // guard, and its violation is answered below with the option chosen earlier.
    const verdict = vote(poll, new Map(), voterId, option, poll.status !== 'open');
    if (!verdict.ok) throw new AppError(verdict.code, verdict.message, { extra: verdict.extra });
    try {
      await this.store.query('insert into poll_votes (poll_id, voter_id, option_index) values ($1, $2, $3)', [
        pollId,
        voterId,
        option,
      ]);
    } catch (e) {
      if (pgCode(e) !== PG.uniqueViolation) throw e;
      const [earlier] = await this.store.query<{ option_index: number }>(
        'select option_index from poll_votes where poll_id = $1 and voter_id = $2',
        [pollId, voterId],
      );
      throw new AppError('already_voted', 'You already voted in this poll', {
        extra: { optionIndex: earlier?.option_index ?? option },
      });
    }
    // Votes are not events of the log: the room re-counts at most once per tick.
    this.bus.publish(POLL_SUBJECT, { showId: poll.show_id, pollId });
    return (await this.view(pollId)) as PollView;
  }

  async close(actor: Principal, pollId: string): Promise<PollView> {
    const [poll] = await this.store.query<{ show_id: string }>('select show_id from polls where id = $1', [
      pollId,
    ]);
    if (!poll) throw new AppError('not_found', 'No such poll');
    await this.shows.owned(actor, poll.show_id);
    await this.store.transaction(async (tx) => {
      await tx.query(`update polls set status = 'closed', closed_at = now() where id = $1`, [pollId]);
      await appendEvents(tx, [
        { type: 'poll.closed', key: poll.show_id, payload: { showId: poll.show_id, pollId } },
      ]);
    });
    this.onCommit();
    return (await this.view(pollId)) as PollView;
  }

  async view(pollId: string): Promise<PollView | undefined> {
    const [poll] = await this.store.query<{
      id: string;
      show_id: string;
      question: string;
      options: string[];
      status: 'open' | 'closed';
    }>('select id, show_id, question, options, status from polls where id = $1', [pollId]);
    if (!poll) return undefined;
    const counts = await this.store.query<{ option_index: number; n: number }>(
      'select option_index, count(*)::int as n from poll_votes where poll_id = $1 group by option_index',
      [pollId],
    );
    const perOption = poll.options.map((_, i) => counts.find((c) => c.option_index === i)?.n ?? 0);
    return {
      id: poll.id,
      showId: poll.show_id,
      question: poll.question,
      status: poll.status,
      results: tallyCounts(poll.options, perOption),
    };
  }

  /** The show's latest poll (open, or the last closed one). */
  async current(showId: string): Promise<PollView | undefined> {
    const [row] = await this.store.query<{ id: string }>(
      'select id from polls where show_id = $1 order by created_at desc limit 1',
      [showId],
    );
    return row ? this.view(row.id) : undefined;
  }
}
