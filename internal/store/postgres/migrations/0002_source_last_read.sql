-- What the last read of each feed gave: items, new, what was not stored and why
-- (store.ReadReport as JSON, '' when empty).
ALTER TABLE source_states ADD COLUMN last_read text NOT NULL DEFAULT '';
