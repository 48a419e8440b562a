-- Records: every file of a site, keyed by its path. id is an explicit
-- INTEGER PRIMARY KEY so the full-text index can point at it (an implicit
-- rowid may change on VACUUM). The news columns are copies of fields of
-- the value, kept for indexing; they are NULL for other kinds.
CREATE TABLE records (
	id            INTEGER PRIMARY KEY,
	path          TEXT    NOT NULL UNIQUE,
	kind          TEXT    NOT NULL,
	raw           BLOB    NOT NULL,
	value         BLOB    NOT NULL,
	canonical_url TEXT,
	guid          TEXT,
	story         TEXT,
	published     INTEGER,
	published_at  INTEGER, -- publishedDateTime, Unix microseconds
	heat          INTEGER,
	quality       INTEGER,
	archived      INTEGER
);

-- Scans of the small kinds (configuration, topics, organizations...). News
-- is left out so news listings never pick this index over the ones below.
CREATE INDEX records_kind ON records (kind, path) WHERE kind <> 'news';
CREATE INDEX records_news_time ON records (published_at DESC, path) WHERE kind = 'news';
CREATE INDEX records_news_heat ON records (heat DESC, published_at DESC, path) WHERE kind = 'news';
CREATE INDEX records_news_quality ON records (quality DESC, published_at, path) WHERE kind = 'news';
CREATE INDEX records_story ON records (story) WHERE story IS NOT NULL;
CREATE INDEX records_canonical_url ON records (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX records_guid ON records (guid) WHERE guid IS NOT NULL;

-- The topics of each news record, keyed so that a topic page is one range
-- of this table in order. No foreign key: a write keeps it in step with
-- records itself, deleting rows by the old record's topics and time.
CREATE TABLE record_topics (
	topic        TEXT    NOT NULL,
	published_at INTEGER NOT NULL,
	path         TEXT    NOT NULL,
	PRIMARY KEY (topic, published_at DESC, path)
) WITHOUT ROWID;

-- Full-text index of news: rowid is records.id. Contentless, since the
-- text lives in records; contentless_delete lets rows be deleted by rowid.
CREATE VIRTUAL TABLE news_fts USING fts5 (
	title, excerpt, provider,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);

-- A counter bumped by every write transaction.
CREATE TABLE generation (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value INTEGER NOT NULL
);
INSERT INTO generation (id, value) VALUES (1, 0);

-- What ingest remembers of each source. Times are Unix microseconds, NULL
-- when unset; interval is nanoseconds.
CREATE TABLE source_states (
	url           TEXT    PRIMARY KEY,
	etag          TEXT    NOT NULL DEFAULT '',
	last_modified TEXT    NOT NULL DEFAULT '',
	last_fetch    INTEGER,
	last_success  INTEGER,
	last_status   TEXT    NOT NULL DEFAULT '',
	items         INTEGER NOT NULL DEFAULT 0,
	errors        INTEGER NOT NULL DEFAULT 0,
	next_fetch    INTEGER,
	interval_ns   INTEGER NOT NULL DEFAULT 0,
	paused        INTEGER NOT NULL DEFAULT 0
);
