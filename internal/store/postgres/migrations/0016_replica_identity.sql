-- Every table has a replica identity, so that logical replication (a move
-- to another server, a major upgrade without downtime) may publish its
-- updates and deletes: PostgreSQL refuses them on a published table that
-- has none, and every write that changed a record's topics failed. A
-- topic row is known by its unique key; the tables keyed by a digest
-- (0014, 0015) by their whole rows, which costs nothing unless the
-- server writes for logical replication.
ALTER TABLE record_topics REPLICA IDENTITY USING INDEX record_topics_key;
ALTER TABLE tombstones REPLICA IDENTITY FULL;
ALTER TABLE source_states REPLICA IDENTITY FULL;
ALTER TABLE leases REPLICA IDENTITY FULL;
