-- Trending (modules/trending): a decaying heat per sale, show and hashtag, built by the `trending`
-- consumer from the event log (claims, waitlist joins, bids). `score` is the heat as of `at`;
-- it halves every half-life after (domain/trending.ts).
create table trending (
  kind text not null check (kind in ('sale', 'show', 'tag')),
  key text not null,
  score double precision not null,
  at timestamptz not null,
  primary key (kind, key)
);
create index trending_recent_idx on trending (kind, at);
