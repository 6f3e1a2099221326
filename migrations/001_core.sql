-- Core engine: accounts, catalog, sales, the claim engine's reservations, orders, payments, outbox.
-- Times compared with the application's clock are passed in as parameters, never read with now(),
-- so that tests can drive them.

create table users (
  id text primary key,
  email text,
  name text not null,
  password_hash text,
  role text not null default 'buyer' check (role in ('buyer', 'host', 'admin')),
  is_guest boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email)) where email is not null;

create table products (
  id text primary key,
  host_id text not null references users (id),
  title text not null,
  description text not null default '',
  image_url text,
  hashtags text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index products_hashtags_idx on products using gin (hashtags);

create table variants (
  id text primary key,
  product_id text not null references products (id) on delete cascade,
  sku text not null,
  title text not null,
  price_cents integer not null check (price_cents >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$')
);
create unique index variants_sku_key on variants (sku);
create index variants_product_idx on variants (product_id);

create table sales (
  id text primary key,
  host_id text not null references users (id),
  title text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  hashtags text[] not null default '{}',
  hold_seconds integer not null check (hold_seconds between 10 and 86400),
  waiting_room jsonb,
  kind text not null default 'sale' check (kind in ('sale', 'show')),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index sales_starts_idx on sales (starts_at);
create index sales_hashtags_idx on sales using gin (hashtags);

-- One row per item on sale: the hot row of the claim engine. CHECK (remaining >= 0) makes an
-- oversell impossible whatever the number of nodes.
create table sale_items (
  id text primary key,
  sale_id text not null references sales (id) on delete cascade,
  variant_id text not null references variants (id),
  sku text not null,
  title text not null,
  price_cents integer not null check (price_cents >= 0),
  currency text not null,
  stock integer not null check (stock >= 0),
  remaining integer not null check (remaining >= 0 and remaining <= stock),
  per_buyer_limit integer not null check (per_buyer_limit >= 1),
  -- bumped on every change of remaining, so that readers can keep the newest value
  version bigint not null default 0,
  position integer not null default 0,
  active boolean not null default true,
  unique (sale_id, sku)
);
create index sale_items_sale_idx on sale_items (sale_id);

-- The claim engine's hot insert. No foreign keys here, deliberately: a foreign key check runs a
-- lookup and takes a KEY SHARE lock on the parent row for every inserted row, 3 per claim,
-- including the hot sale_items row (measured: ~30% of the claim batch's time on PostgreSQL).
-- The engine only writes ids it has just read under the item lock and the buyer of a verified token.
create table reservations (
  id text primary key,
  sale_id text not null,
  sale_item_id text not null,
  buyer_id text not null,
  sku text not null,
  quantity integer not null check (quantity > 0),
  price_cents integer not null,
  currency text not null,
  state text not null check (state in ('held', 'released', 'expired', 'checked_out')),
  source text not null default 'claim' check (source in ('claim', 'waitlist', 'auction', 'giveaway')),
  idempotency_key text,
  request_hash text,
  expires_at timestamptz not null,
  order_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Idempotency keys per buyer (NULLs never collide); also serves "a buyer's reservations".
create unique index reservations_idempotency_key on reservations (buyer_id, idempotency_key);
-- The per-buyer limit check reads only live units: bounded by the limit, not by history.
create index reservations_live_idx on reservations (buyer_id, sale_item_id) where state in ('held', 'checked_out');
create index reservations_held_expiry_idx on reservations (expires_at) where state = 'held';

create table waitlist_entries (
  id text primary key,
  sale_id text not null references sales (id),
  sale_item_id text not null references sale_items (id),
  buyer_id text not null references users (id),
  quantity integer not null check (quantity > 0),
  state text not null check (state in ('waiting', 'offered', 'cancelled')),
  reservation_id text,
  created_at timestamptz not null default now(),
  seq bigserial
);
create unique index waitlist_one_waiting on waitlist_entries (sale_item_id, buyer_id) where state = 'waiting';
create index waitlist_queue_idx on waitlist_entries (sale_item_id, seq) where state = 'waiting';

create table payment_methods (
  id text primary key,
  user_id text not null references users (id),
  provider text not null,
  provider_token text not null,
  method text not null,
  label text not null,
  created_at timestamptz not null default now()
);
create index payment_methods_user_idx on payment_methods (user_id);

create table orders (
  id text primary key,
  buyer_id text not null references users (id),
  state text not null,
  source text not null default 'checkout',
  total_cents bigint not null check (total_cents >= 0),
  currency text not null,
  shipping jsonb,
  payment jsonb,
  fulfilment jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_buyer_idx on orders (buyer_id, created_at desc);
create index orders_state_idx on orders (state);

create table order_lines (
  order_id text not null references orders (id) on delete cascade,
  line_no integer not null,
  reservation_id text references reservations (id),
  sale_item_id text references sale_items (id),
  sku text not null,
  title text not null,
  quantity integer not null check (quantity > 0),
  price_cents integer not null check (price_cents >= 0),
  primary key (order_id, line_no)
);


-- Webhook deliveries already applied (providers deliver at least once).
create table webhook_receipts (
  provider text not null,
  event_id text not null,
  received_at timestamptz not null default now(),
  primary key (provider, event_id)
);

-- Transactional outbox and event log. `seq` is taken at insert, but transactions commit out of
-- order, so "rows after the last seq seen" would skip a row whose transaction commits late.
-- Readers follow the log in (txid, seq) order and only read rows whose writing transaction is
-- older than the oldest transaction still running (txid < pg_snapshot_xmin(pg_current_snapshot())):
-- every such transaction has finished, so nothing can appear behind a reader's cursor later.
-- No row is ever rewritten to relay it (see docs/ARCHITECTURE.md, "Event log").
create table events (
  seq bigserial primary key,
  -- unique by construction (random, 82 bits); consumers dedupe on it, so no index is kept
  id text not null,
  type text not null,
  key text not null,
  version integer not null default 1,
  -- json, not jsonb: written once, read whole; skipping the binary conversion is cheaper per claim
  payload json not null,
  txid xid8 not null default pg_current_xact_id(),
  created_at timestamptz not null default now()
);
create index events_log_idx on events (txid, seq);

-- A durable consumer group's cursor into the log, and the lease of the node running it.
create table consumer_offsets (
  consumer text primary key,
  cursor_txid xid8 not null default '0',
  cursor_seq bigint not null default 0,
  owner text,
  lease_until timestamptz,
  updated_at timestamptz not null default now()
);

create table processed_events (
  consumer text not null,
  event_id text not null,
  primary key (consumer, event_id)
);

-- Events a consumer gave up on after its delivery limit (`flashmob dlq list|retry|drop`).
create table dead_letters (
  id bigserial primary key,
  consumer text not null,
  event_id text not null,
  event_seq bigint not null,
  attempts integer not null,
  error text not null,
  retry_requested boolean not null default false,
  created_at timestamptz not null default now(),
  unique (consumer, event_id)
);

-- The sandbox payment provider's own ledger (a simulated external system: in production this
-- state lives at the provider). Kept in the store so that every node sees the same payments.
create table sandbox_payments (
  ref text primary key,
  idempotency_key text not null unique,
  order_id text not null,
  method text not null,
  token text not null,
  label text not null,
  amount_cents bigint not null,
  captured_cents bigint not null default 0,
  refunded_cents bigint not null default 0,
  currency text not null,
  status text not null,
  outcome jsonb not null,
  created_at timestamptz not null default now()
);

-- Read model of the `sale-stats` consumer (rebuilt by `flashmob replay --consumer sale-stats --from 0`).
create table sale_stats (
  sale_id text primary key,
  claims integer not null default 0,
  units_claimed integer not null default 0,
  units_returned integer not null default 0,
  orders_paid integer not null default 0,
  units_sold integer not null default 0,
  revenue_cents bigint not null default 0,
  updated_at timestamptz not null default now()
);
create table sale_stats_minutes (
  sale_id text not null,
  minute timestamptz not null,
  claims integer not null default 0,
  units integer not null default 0,
  primary key (sale_id, minute)
);
create table sale_stats_orders (
  order_id text not null,
  sale_id text not null,
  units integer not null,
  cents bigint not null,
  primary key (order_id, sale_id)
);
