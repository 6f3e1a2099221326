-- Chat lines the archive could not write (modules/shows/chat-archive.ts): a value PostgreSQL
-- refuses (a NUL in text, 22021), a row a constraint rejects. The archive writes lines in
-- batches; a batch that fails on its data is split until the bad lines stand alone, the others
-- are written and each bad one lands here, so one line never holds back the lines of other
-- viewers or other shows. `payload` is the line as JSON: its escapes (\u0000, \ud800) make any
-- string storable, so what arrived is kept exactly. `message_id` and `show_id` are copied when
-- they are storable as they are, for lookups.
create table chat_dead_letters (
  id bigserial primary key,
  message_id text,
  show_id text,
  payload text not null,
  error_code text,
  error text not null,
  failed_at timestamptz not null default now()
);
create index chat_dead_letters_show_idx on chat_dead_letters (show_id, failed_at);
