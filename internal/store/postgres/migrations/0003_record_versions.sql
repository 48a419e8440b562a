-- Each record's version: the generation of the write that last changed it,
-- so a writer that computed a record from what it read can write it back
-- only over the version it read (store.Store.UpsertIfUnchanged).
ALTER TABLE records ADD COLUMN version bigint NOT NULL DEFAULT 1;
