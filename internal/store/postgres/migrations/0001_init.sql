-- Records: every file of a site, keyed by its path. raw is the file's
-- bytes, value the record's typed value as the store's codec encodes it
-- (opaque to SQL). The news columns are copies of fields of the value, kept
-- for indexing; they are NULL for other kinds. Paths sort byte by byte
-- (COLLATE "C") whatever the database's collation, as Scan promises.
CREATE TABLE records (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	path          text COLLATE "C" NOT NULL UNIQUE,
	kind          text NOT NULL,
	raw           bytea NOT NULL,
	value         bytea NOT NULL,
	canonical_url text,
	guid          text,
	story         text,
	published     boolean,
	published_at  bigint, -- publishedDateTime, Unix microseconds
	heat          integer,
	quality       integer,
	archived      boolean,
	original_url  text,
	web_url       text,
	topics        text[],
	search_key    bytea -- digest of what the record's news_search row holds
);

-- A file and a value are a few KB each, over the size PostgreSQL compresses;
-- lz4 compresses them several times faster than the default, pglz, which
-- is most of what writing a record costs. A server built without lz4 keeps
-- the default.
DO $$
BEGIN
	ALTER TABLE records ALTER COLUMN raw SET COMPRESSION lz4, ALTER COLUMN value SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
	NULL;
END $$;

-- Scans of the small kinds (configuration, topics, organizations...). News
-- is left out so news listings never pick this index over the ones below.
CREATE INDEX records_kind ON records (kind, path) WHERE kind <> 'news';
CREATE INDEX records_news_time ON records (published_at DESC, path) WHERE kind = 'news';
CREATE INDEX records_news_heat ON records (heat DESC, published_at DESC, path) WHERE kind = 'news';
CREATE INDEX records_news_quality ON records (quality DESC, published_at, path) WHERE kind = 'news';
-- A topic listed in another order than time: the planner walks the order's
-- index testing each record's topics when the topic is common, and reads
-- a rare topic's records from this index.
CREATE INDEX records_news_topics ON records USING gin (topics) WHERE kind = 'news';
CREATE INDEX records_story ON records (story) WHERE story IS NOT NULL;
CREATE INDEX records_canonical_url ON records (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX records_guid ON records (guid) WHERE guid IS NOT NULL;

-- The topics of each news record, keyed so that a topic page is one range
-- of this index in order. Kept in step with records.topics by the writes.
CREATE TABLE record_topics (
	topic        text   NOT NULL,
	published_at bigint NOT NULL,
	path         text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX record_topics_key ON record_topics (topic, published_at DESC, path);

-- The full-text index of news, apart from the records so that a search
-- reads narrow rows. doc holds the words of the title (weight A), excerpt
-- (B) and publisher (C); topics let one GIN index answer a search within a
-- topic. id is the record's, so the highest ids are the matches stored last.
CREATE TABLE news_search (
	id           bigint PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
	published_at bigint   NOT NULL,
	topics       text[]   NOT NULL,
	doc          tsvector NOT NULL
);
CREATE INDEX news_search_doc ON news_search USING gin (doc, topics);

-- search_doc makes a news_search document from the words of each column,
-- already split, lowercased and folded by the program (so both stores find
-- the same words). A gap between the columns keeps a phrase from matching
-- across two of them, as it cannot in SQLite's index.
CREATE FUNCTION search_doc(title text, excerpt text, provider text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ts_delete(
	setweight(to_tsvector('simple', title), 'A') || '-:1'::tsvector ||
	setweight(to_tsvector('simple', excerpt), 'B') || '-:1'::tsvector ||
	setweight(to_tsvector('simple', provider), 'C'),
	'-');

-- A counter bumped by every write transaction.
CREATE TABLE generation (
	id    integer PRIMARY KEY CHECK (id = 1),
	value bigint  NOT NULL
);
INSERT INTO generation (id, value) VALUES (1, 0);

-- What ingest remembers of each source.
CREATE TABLE source_states (
	url           text PRIMARY KEY,
	etag          text    NOT NULL DEFAULT '',
	last_modified text    NOT NULL DEFAULT '',
	last_fetch    timestamptz,
	last_success  timestamptz,
	last_status   text    NOT NULL DEFAULT '',
	items         integer NOT NULL DEFAULT 0,
	errors        integer NOT NULL DEFAULT 0,
	next_fetch    timestamptz,
	interval_ns   bigint  NOT NULL DEFAULT 0,
	paused        boolean NOT NULL DEFAULT false
);
