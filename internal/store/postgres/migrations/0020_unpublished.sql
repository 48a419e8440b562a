-- The unpublished news, read by retention after every ingest round where
-- purge_after is set: found by this index, not by a walk through every
-- record, of which the archive's published leads, most of a hub run for
-- years, are none.
CREATE INDEX IF NOT EXISTS records_unpublished ON records (published_at) WHERE kind = 'news' AND NOT coalesce(published, false);
