-- The date of a purged article as its source gave it (store.Tombstone.
-- Dated, Unix microseconds): retention lets a tombstone go once that date
-- is far enough past that a feed giving the article again has it dropped
-- for its age. NULL, an article the hub dated itself (its source gave no
-- date, or one ahead) or one kept before this column, is kept for ever.
-- Written to be run again (a test rewinds the schema past it).
ALTER TABLE tombstones ADD COLUMN IF NOT EXISTS dated bigint;
CREATE INDEX IF NOT EXISTS tombstones_dated ON tombstones (dated) WHERE dated IS NOT NULL;
