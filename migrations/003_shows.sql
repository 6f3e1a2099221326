-- Live shopping shows: the room, follows, chat (archived in batches), moderation, the featured
-- product (a sale item of the show's own sale), polls, giveaways, auctions, FAQ and questions.

create table shows (
  id text primary key,
  host_id text not null references users (id),
  title text not null,
  description text not null default '',
  starts_at timestamptz not null,
  stream_url text,
  hashtags text[] not null default '{}',
  status text not null default 'scheduled' check (status in ('scheduled', 'live', 'ended')),
  went_live_at timestamptz,
  ended_at timestamptz,
  -- the show's own sale: its items are the products pinned during the show
  sale_id text not null references sales (id),
  featured_item_id text,
  comment_to_buy boolean not null default false,
  keyword text not null default 'sold',
  slow_mode_seconds integer not null default 0 check (slow_mode_seconds between 0 and 3600),
  pinned jsonb,
  version bigint not null default 0,
  created_at timestamptz not null default now()
);
create index shows_starts_idx on shows (starts_at);
create index shows_hashtags_idx on shows using gin (hashtags);
create index shows_host_idx on shows (host_id);

create table host_follows (
  follower_id text not null references users (id),
  host_id text not null references users (id),
  created_at timestamptz not null default now(),
  primary key (host_id, follower_id)
);

create table chat_messages (
  id text primary key,
  show_id text not null,
  user_id text,
  user_name text not null,
  text text not null,
  kind text not null check (kind in ('chat', 'announcement', 'bot', 'system')),
  flagged boolean not null default false,
  deleted boolean not null default false,
  created_at timestamptz not null
);
create index chat_messages_show_idx on chat_messages (show_id, created_at desc);

create table show_moderation (
  show_id text not null,
  user_id text not null,
  action text not null check (action in ('mute', 'ban')),
  until timestamptz,
  by_user text not null,
  created_at timestamptz not null default now(),
  primary key (show_id, user_id)
);

create table show_moderators (
  show_id text not null,
  user_id text not null,
  primary key (show_id, user_id)
);

create table polls (
  id text primary key,
  show_id text not null references shows (id),
  question text not null,
  options jsonb not null,
  status text not null check (status in ('open', 'closed')),
  created_at timestamptz not null default now(),
  closed_at timestamptz
);
create index polls_show_idx on polls (show_id, created_at desc);

create table poll_votes (
  poll_id text not null references polls (id),
  voter_id text not null,
  option_index integer not null,
  created_at timestamptz not null default now(),
  primary key (poll_id, voter_id)
);

create table giveaways (
  id text primary key,
  show_id text not null references shows (id),
  sku text not null,
  title text not null,
  opens_at timestamptz not null,
  closes_at timestamptz not null,
  status text not null check (status in ('open', 'drawn', 'no_entries')),
  winner_id text,
  order_id text,
  entrant_count integer,
  entrants_hash text,
  winner_index integer,
  created_at timestamptz not null default now()
);
create index giveaways_show_idx on giveaways (show_id, created_at desc);

create table giveaway_entries (
  giveaway_id text not null references giveaways (id),
  viewer_id text not null,
  created_at timestamptz not null default now(),
  primary key (giveaway_id, viewer_id)
);

create table auctions (
  id text primary key,
  show_id text not null references shows (id),
  sku text not null,
  title text not null,
  currency text not null,
  start_cents integer not null check (start_cents >= 0),
  increment_cents integer not null check (increment_cents > 0),
  reserve_cents integer,
  duration_seconds integer not null,
  sudden_death boolean not null,
  extend_window_seconds integer not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  status text not null check (status in ('running', 'sold', 'no_bids', 'reserve_not_met', 'cancelled', 'unpaid')),
  high_bid_id text,
  high_bidder_id text,
  high_cents integer,
  bid_count integer not null default 0,
  winner_id text,
  order_id text,
  offered_to jsonb not null default '[]',
  version bigint not null default 0,
  created_at timestamptz not null default now()
);
create index auctions_running_idx on auctions (ends_at) where status = 'running';
create unique index auctions_one_running_per_show on auctions (show_id) where status = 'running';

create table bids (
  id text primary key,
  auction_id text not null references auctions (id),
  bidder_id text not null,
  amount_cents integer not null,
  at timestamptz not null
);
create index bids_auction_idx on bids (auction_id, amount_cents desc, at);

create table show_faqs (
  id text primary key,
  show_id text not null references shows (id),
  question text not null,
  answer text not null,
  created_at timestamptz not null default now()
);

create table show_questions (
  id text primary key,
  show_id text not null,
  message_id text not null,
  user_id text,
  user_name text not null,
  text text not null,
  topics text[] not null default '{}',
  status text not null default 'open' check (status in ('open', 'answered')),
  created_at timestamptz not null,
  answered_at timestamptz
);
create index show_questions_open_idx on show_questions (show_id, created_at) where status = 'open';
