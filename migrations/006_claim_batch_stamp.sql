-- The claim batch that last wrote the item. With `version`, the stamp an optimistic claim batch
-- is guarded by (modules/claims/engine.ts): a batch allocated on top of another one still in
-- flight expects that batch here, since a version number alone cannot tell its commit from
-- another writer's. Every other change of an item (stock returned, feature/unfeature) moves
-- `version`, so a batch allocated before it cannot commit after it.
alter table sale_items add column last_batch_id text;
