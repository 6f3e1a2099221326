-- A show's own blocked words (domain/blocked-words.ts): words and phrases the host masks in
-- chat beside the English profanity list, stored folded (lower case, single spaces). The API
-- takes at most 200 of 1 to 40 characters; the check keeps a runaway writer from bloating the row.
alter table shows add column blocked_words text[] not null default '{}'
  check (cardinality(blocked_words) <= 200);
