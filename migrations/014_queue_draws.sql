-- Commit–reveal for the waiting room's pre-open shuffle (src/domain/fair-draw.ts): a sale with a
-- waiting room gets a secret seed when it is created, and only its sha256 is shown until the line
-- opens; the draw (the sorted hashes of the pre-open tickets and the order drawn) is kept with the
-- queue's settings and published with the seed. Sales made before this have neither and keep the
-- crypto.randomInt shuffle.
alter table sales add column queue_seed text;
alter table sales add column queue_seed_hash text;
alter table queue_settings add column draw jsonb;
