-- The log of ingest rounds (store.Round): when each started and its
-- summary as JSON, the newest store.MaxRounds kept.
CREATE TABLE ingest_rounds (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	started_at INTEGER NOT NULL, -- Unix microseconds
	summary    TEXT NOT NULL
);
