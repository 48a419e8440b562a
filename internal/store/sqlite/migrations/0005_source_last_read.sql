-- What the last read of each feed gave, as JSON (store.ReadReport): its
-- items, and why each one not stored was not.
ALTER TABLE source_states ADD COLUMN last_read TEXT NOT NULL DEFAULT '';
