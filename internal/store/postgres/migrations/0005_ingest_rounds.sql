-- The log of ingest rounds (store.Round): when each started and its
-- summary as JSON, the newest store.MaxRounds kept.
CREATE TABLE ingest_rounds (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	started_at timestamptz NOT NULL,
	summary    text NOT NULL
);
