-- Ingest looks the tombstones of a feed's new keys up, and those of the
-- paths it gives new articles, rather than hold every tombstone in
-- memory: the paths get an index of their own.
CREATE INDEX IF NOT EXISTS tombstones_path ON tombstones (path);
