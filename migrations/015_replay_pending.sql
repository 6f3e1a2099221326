-- A replay from 0 that emptied a read model but has not yet moved its NATS consumer group back
-- to the start (platform/bus/nats-replay.ts). Written in the transaction that empties the read
-- model, deleted once the group's durable consumer starts over; a worker that starts the group
-- finishes a replay left here by a crash, so a read model is never left empty and not rebuilt.
-- (The store bus needs none: it moves the group's cursor in that same transaction.)
create table replay_pending (
  consumer text primary key,
  from_seq bigint not null,
  requested_at timestamptz not null default now()
);
