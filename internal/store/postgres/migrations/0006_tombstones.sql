-- The keys of purged articles (store.Tombstone): canonical URLs, GUIDs and
-- links that ingest must keep knowing after the record is gone, so that a
-- feed offering one again does not bring it back. purged_at is Unix
-- microseconds.
CREATE TABLE tombstones (
	key       text COLLATE "C" PRIMARY KEY,
	path      text   NOT NULL,
	purged_at bigint NOT NULL
);
