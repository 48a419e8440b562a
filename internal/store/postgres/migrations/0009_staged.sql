-- Arrivals an ingest worker handed to the worker holding the curate lock
-- (Store.Stage): news records not yet curated, each with the URL of the
-- source it came from, its value as the codec encodes it. The holder
-- curates and deletes them; a worker that dies leaves them for the next.
CREATE TABLE staged (
    id bigserial PRIMARY KEY,
    source text NOT NULL,
    kind text NOT NULL,
    value bytea NOT NULL
);
