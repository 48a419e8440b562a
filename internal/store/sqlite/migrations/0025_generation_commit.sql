-- When the write that made the generation committed, and when the one
-- before it did, Unix microseconds: a server dates the documents a
-- generation changed by it, as every other server of the hub does. The
-- generation of before this migration is taken as committed now, which
-- only makes a client ask again; the one before it is not known (0).
ALTER TABLE generation ADD COLUMN committed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE generation ADD COLUMN prior INTEGER NOT NULL DEFAULT 0;
UPDATE generation SET committed = CAST(strftime('%s', 'now') AS INTEGER) * 1000000;
