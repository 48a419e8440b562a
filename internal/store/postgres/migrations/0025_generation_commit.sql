-- When the transaction that made the generation committed, and when the
-- one before it did: a server dates the documents a generation changed
-- by it, as every other server of the hub does. The generation of before
-- this migration is taken as committed now, which only makes a client
-- ask again; the one before it is not known (NULL). (IF NOT EXISTS:
-- tests run the latest migrations again.)
ALTER TABLE generation ADD COLUMN IF NOT EXISTS committed timestamptz NOT NULL DEFAULT now(),
	ADD COLUMN IF NOT EXISTS prior timestamptz;
