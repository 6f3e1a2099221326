-- Parties: themed sale events at a fixed local time, every day or on chosen weekdays
-- (modules/parties). Each occurrence is an ordinary sale, created by the scheduler a day ahead;
-- (party_id, starts_at) is unique, so nodes scheduling at the same moment create it once.
create table parties (
  id text primary key,
  host_id text not null references users (id),
  title text not null,
  description text not null default '',
  hashtags text[] not null default '{}',
  -- {frequency: 'daily' | 'weekly', weekdays?: [0-6], time: 'HH:MM', timeZone: IANA name}
  recurrence jsonb not null,
  duration_minutes integer not null check (duration_minutes between 1 and 1440),
  hold_seconds integer not null check (hold_seconds between 10 and 86400),
  waiting_room jsonb,
  -- [{sku, stock, priceCents?, perBuyerLimit}]: every occurrence starts with this stock
  items jsonb not null,
  state text not null default 'active' check (state in ('active', 'paused', 'ended')),
  -- no occurrence starts before starts_on, nor at or after ends_on
  starts_on timestamptz not null,
  ends_on timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index parties_active_idx on parties (state) where state = 'active';
create index parties_host_idx on parties (host_id);

alter table sales add column party_id text references parties (id);
create unique index sales_party_occurrence_idx on sales (party_id, starts_at) where party_id is not null;
