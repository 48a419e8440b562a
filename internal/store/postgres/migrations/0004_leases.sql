-- Leases: a name (an ingest source's URL) claimed by one holder (a worker
-- process) until expires_at, by the server's clock. A released lease has
-- no row.
CREATE TABLE leases (
	name       text COLLATE "C" PRIMARY KEY,
	holder     text NOT NULL,
	expires_at timestamptz NOT NULL
);
