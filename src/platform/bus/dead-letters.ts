import type { Sql } from '../store/store.ts';
import type { DeadLetter } from './bus.ts';

interface DeadLetterRow {
  id: number;
  consumer: string;
  event_id: string;
  event_seq: number;
  type: string | null;
  attempts: number;
  error: string;
  created_at: Date;
}

export async function listDeadLetters(sql: Sql, consumer?: string): Promise<DeadLetter[]> {
  const rows = await sql.query<DeadLetterRow>(
    `select d.id, d.consumer, d.event_id, d.event_seq, e.type, d.attempts, d.error, d.created_at
     from dead_letters d left join events e on e.seq = d.event_seq
     where ($1::text is null or d.consumer = $1)
     order by d.id`,
    [consumer ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    consumer: r.consumer,
    eventId: r.event_id,
    eventSeq: r.event_seq,
    type: r.type ?? 'unknown',
    attempts: r.attempts,
    error: r.error,
    createdAt: r.created_at.toISOString(),
  }));
}
