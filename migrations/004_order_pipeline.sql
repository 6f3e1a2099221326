-- The asynchronous order pipeline: what the fraud rules read, the fraud decisions, and the
-- fulfilment lookups. See docs/ARCHITECTURE.md, "Order pipeline".

-- Where an order was placed from and what paid it, recorded by checkout for the velocity rules.
-- payment_fingerprint is a SHA-256 of provider and token: it links orders paid with the same
-- method and cannot pay anything itself; the token is never stored on the order.
alter table orders add column client_ip text;
alter table orders add column payment_fingerprint text;
-- Velocity queries count orders per IP and per fingerprint in a recent time window
-- (per account: orders_buyer_idx already serves it).
create index orders_client_ip_idx on orders (client_ip, created_at) where client_ip is not null;
create index orders_payment_fingerprint_idx on orders (payment_fingerprint, created_at)
  where payment_fingerprint is not null;
-- A carrier's callback finds its parcel by tracking number (orders.fulfilment.trackingNumber).
create unique index orders_tracking_number_key on orders ((fulfilment ->> 'trackingNumber'))
  where fulfilment ->> 'trackingNumber' is not null;

-- One screening per order, written by the `fraud` consumer with the order's next event.
-- `signals` keeps the facts the rules saw, so that an admin can judge a review.
create table fraud_checks (
  order_id text primary key references orders (id),
  outcome text not null check (outcome in ('accept', 'review', 'reject')),
  reasons text[] not null default '{}',
  signals jsonb not null,
  checked_at timestamptz not null,
  -- an admin's decision on an order in review
  decision text check (decision in ('accept', 'reject')),
  decided_by text references users (id),
  decided_at timestamptz,
  check ((decision is null) = (decided_at is null))
);
-- The admins' work queue: reviews not decided yet, oldest first.
create index fraud_checks_open_reviews_idx on fraud_checks (checked_at)
  where outcome = 'review' and decision is null;
