-- An article's keys (its canonical URL, its GUID, and a purged one's) may
-- be as long as an address may be, 4,096 characters, where a B-tree entry
-- holds at most 2,704 bytes: a feed item with a long signed link failed
-- the write of its whole batch. Keys are only ever looked up whole, which
-- a hash index does at any length; a purged key is unique by its digest.
DROP INDEX records_canonical_url;
CREATE INDEX records_canonical_url ON records USING hash (canonical_url) WHERE canonical_url IS NOT NULL;
DROP INDEX records_guid;
CREATE INDEX records_guid ON records USING hash (guid) WHERE guid IS NOT NULL;
ALTER TABLE tombstones DROP CONSTRAINT tombstones_pkey;
CREATE UNIQUE INDEX tombstones_key ON tombstones (md5(key));
