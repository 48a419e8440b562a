-- The unpublished news, read by retention after every ingest round where
-- purge_after is set: found by this index, not by a walk through every
-- record, whose file bytes and value come first and are costly to read,
-- and of which the archive's published leads, most of a hub run for years,
-- are none.
CREATE INDEX records_unpublished ON records (published_at) WHERE kind = 'news' AND coalesce(published, 0) = 0;
