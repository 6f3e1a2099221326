import { createFaqIndex, type FaqIndex, isBuyerQuestion, matchFaq } from '../../domain/chat-intelligence.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import { type Cache, createCache } from '../../platform/cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Store } from '../../platform/store/store.ts';
import type { Principal } from '../auth/index.ts';
import { type ChatMessage, SUBJECTS } from './chat-types.ts';
import type { ShowsService } from './service.ts';
import type { Show } from './types.ts';

export const BOT_NAME = 'Flashmob assistant';
const FAQ_CACHE_MS = 10_000;
/** Shows whose FAQs a node keeps (the ones chatting now). */
const SHOWS_MAX = 10_000;

export interface RadarQuestion {
  readonly id: string;
  readonly showId: string;
  readonly messageId: string;
  readonly userId: string | null;
  readonly userName: string;
  readonly text: string;
  readonly topics: string[];
  readonly status: 'open' | 'answered';
  readonly at: string;
}

interface QuestionRow {
  id: string;
  show_id: string;
  message_id: string;
  user_id: string | null;
  user_name: string;
  text: string;
  topics: string[];
  status: 'open' | 'answered';
  created_at: Date;
}

const toQuestion = (r: QuestionRow): RadarQuestion => ({
  id: r.id,
  showId: r.show_id,
  messageId: r.message_id,
  userId: r.user_id,
  userName: r.user_name,
  text: r.text,
  topics: r.topics,
  status: r.status,
  at: r.created_at.toISOString(),
});

/**
 * Room intelligence for the host: the FAQ bot (answers a viewer question that matches one of the
 * host's FAQs, marked as the bot's) and the question radar (buyer questions about size, price,
 * shipping, availability… queued for the host so that none drowns in the flood).
 */
export class RoomIntelligence {
  private readonly faqs: Cache<string, { index: FaqIndex; answers: Map<string, string> }>;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly shows: ShowsService,
  ) {
    this.faqs = createCache({ max: SHOWS_MAX, ttlMs: FAQ_CACHE_MS, clock });
  }

  /** Looks at one viewer line; returns the bot's answer when an FAQ matches. */
  async onChat(show: Show, message: ChatMessage): Promise<ChatMessage | undefined> {
    const reading = isBuyerQuestion(message.text);
    if (!reading.question) return undefined;
    const faq = await this.faqIndex(show.id);
    const match = faq.answers.size > 0 ? matchFaq(message.text, faq.index) : undefined;
    if (match) {
      return {
        id: newId('chat'),
        showId: show.id,
        userId: null,
        userName: BOT_NAME,
        text: `@${message.userName} ${faq.answers.get(match.faqId) ?? ''}`.trim(),
        kind: 'bot',
        flagged: false,
        at: new Date(this.clock.now()).toISOString(),
        replyTo: message.id,
      };
    }
    const [row] = await this.store.query<QuestionRow>(
      `insert into show_questions (id, show_id, message_id, user_id, user_name, text, topics, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [
        newId('question'),
        show.id,
        message.id,
        message.userId,
        message.userName,
        message.text,
        reading.topics,
        new Date(message.at),
      ],
    );
    if (row) this.bus.publish(SUBJECTS.question, toQuestion(row));
    return undefined;
  }

  private async faqIndex(showId: string) {
    const cached = this.faqs.get(showId);
    if (cached) return cached;
    const rows = await this.store.query<{ id: string; question: string; answer: string }>(
      'select id, question, answer from show_faqs where show_id = $1',
      [showId],
    );
    const entry = {
      index: createFaqIndex(rows),
      answers: new Map(rows.map((r) => [r.id, r.answer])),
    };
    this.faqs.set(showId, entry);
    return entry;
  }

  async addFaq(actor: Principal, showId: string, faq: { question: string; answer: string }) {
    await this.shows.owned(actor, showId);
    const id = newId('faq');
    await this.store.query('insert into show_faqs (id, show_id, question, answer) values ($1, $2, $3, $4)', [
      id,
      showId,
      faq.question,
      faq.answer,
    ]);
    this.faqs.delete(showId);
    return { id, ...faq };
  }

  async listFaqs(showId: string) {
    return this.store.query<{ id: string; question: string; answer: string }>(
      'select id, question, answer from show_faqs where show_id = $1 order by created_at',
      [showId],
    );
  }

  async questions(
    actor: Principal,
    showId: string,
    status: 'open' | 'answered' | 'all' = 'open',
  ): Promise<RadarQuestion[]> {
    await this.shows.moderated(actor, showId);
    const rows = await this.store.query<QuestionRow>(
      `select * from show_questions where show_id = $1 and ($2 = 'all' or status = $2) order by created_at limit 200`,
      [showId, status],
    );
    return rows.map(toQuestion);
  }

  /** Open questions of a show, for the host's live view (no caller: the channel checked access). */
  async openQuestions(showId: string, limit = 50): Promise<RadarQuestion[]> {
    const rows = await this.store.query<QuestionRow>(
      `select * from show_questions where show_id = $1 and status = 'open' order by created_at desc limit $2`,
      [showId, limit],
    );
    return rows.map(toQuestion);
  }

  async answered(actor: Principal, showId: string, questionId: string): Promise<RadarQuestion> {
    await this.shows.moderated(actor, showId);
    const [row] = await this.store.query<QuestionRow>(
      `update show_questions set status = 'answered', answered_at = $3 where id = $1 and show_id = $2 returning *`,
      [questionId, showId, new Date(this.clock.now())],
    );
    if (!row) throw new AppError('not_found', 'No such question');
    const q = toQuestion(row);
    this.bus.publish(SUBJECTS.question, q);
    return q;
  }
}
