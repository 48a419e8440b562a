-- Leases: a name (an ingest source's URL) claimed by one holder (a worker
-- process) until expires, Unix microseconds. A released lease has no row.
CREATE TABLE leases (
	name    TEXT PRIMARY KEY,
	holder  TEXT NOT NULL,
	expires INTEGER NOT NULL
) WITHOUT ROWID;
