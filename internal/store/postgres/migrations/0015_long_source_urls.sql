-- A source's URL may be as long as an address may be, 4,096 characters,
-- where a B-tree entry holds at most 2,704 bytes: one feed with a long
-- token in its address failed the write of every batch's source states
-- and every lease asked with it. URLs are unique by their digest, as
-- purged keys are (0014_long_keys.sql).
ALTER TABLE source_states DROP CONSTRAINT source_states_pkey;
CREATE UNIQUE INDEX source_states_url ON source_states (md5(url));
ALTER TABLE leases DROP CONSTRAINT leases_pkey;
CREATE UNIQUE INDEX leases_name ON leases (md5(name));
