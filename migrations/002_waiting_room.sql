-- Waiting room tickets, kept by the embedded (in-memory) queue adapter so that a restart loses
-- nobody's place. The Redis adapter keeps its state in Redis instead.
create table queue_tickets (
  ticket_id text primary key,
  sale_id text not null,
  buyer_id text not null,
  state text not null check (state in ('waiting', 'admitted', 'left', 'abandoned', 'done')),
  pre_open boolean not null,
  line_pos bigint,
  joined_at timestamptz not null,
  admitted_at timestamptz,
  admission_expires_at timestamptz,
  unique (sale_id, buyer_id)
);
create index queue_tickets_sale_idx on queue_tickets (sale_id, state);

-- The host's live changes to a queue (rate, pause), and whether the pre-open block was drawn.
create table queue_settings (
  sale_id text primary key,
  admit_per_minute integer,
  paused boolean not null default false,
  line_opened boolean not null default false
);
