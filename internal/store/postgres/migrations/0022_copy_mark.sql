-- The mark of a copy (newshub copy) into this store that has not
-- finished: the store it reads and when it began. Set before the copy's
-- first write, cleared once the copy is checked. (IF NOT EXISTS: tests
-- run the latest migrations again.)
CREATE TABLE IF NOT EXISTS copy_mark (
	id      integer PRIMARY KEY CHECK (id = 1),
	source  text NOT NULL,
	started timestamptz NOT NULL
);
