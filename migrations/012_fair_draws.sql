-- Commit–reveal for giveaway draws (src/domain/fair-draw.ts): the seed is drawn when the giveaway
-- opens and kept secret; only its sha256 (seed_hash) is shown until the draw, then the seed is
-- revealed in the proof. Giveaways opened before this migration have neither and keep their
-- original proof (a crypto.randomInt draw).
alter table giveaways add column seed text;
alter table giveaways add column seed_hash text;
