-- The keys of purged articles (store.Tombstone): canonical URLs, GUIDs and
-- links that ingest must keep knowing after the record is gone, so that a
-- feed offering one again does not bring it back. purged_at is Unix
-- microseconds.
CREATE TABLE tombstones (
	key       TEXT    PRIMARY KEY,
	path      TEXT    NOT NULL,
	purged_at INTEGER NOT NULL
) WITHOUT ROWID;
