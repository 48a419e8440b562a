-- The mark of a copy (newshub copy) into this store that has not
-- finished: the store it reads and when it began. Set before the copy's
-- first write, cleared once the copy is checked.
CREATE TABLE IF NOT EXISTS copy_mark (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	source  TEXT    NOT NULL,
	started INTEGER NOT NULL -- Unix microseconds
);
