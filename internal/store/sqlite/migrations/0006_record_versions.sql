-- The version of each record (see store.Store.Upsert): the generation of the
-- write transaction that last changed it. Records stored before this
-- migration have version 1, which no later write gives (every later write
-- comes after generation 1), so no version is ever given twice to a path.
ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
