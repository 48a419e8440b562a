-- The date of a purged article as its source gave it (store.Tombstone.
-- Dated, Unix microseconds): retention lets a tombstone go once that date
-- is far enough past that a feed giving the article again has it dropped
-- for its age. NULL, an article the hub dated itself (its source gave no
-- date, or one ahead) or one kept before this column, is kept for ever.
ALTER TABLE tombstones ADD COLUMN dated INTEGER;
CREATE INDEX tombstones_dated ON tombstones (dated) WHERE dated IS NOT NULL;
