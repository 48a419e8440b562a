-- A record's heat and quality are any 64-bit integer, as a hand-kept
-- record's are read (and SQLite keeps them): in integer columns, 32 bits,
-- a heat of 3,000,000,000 wrapped to a negative one and the record listed
-- last by heat, where SQLite lists it first.
ALTER TABLE records ALTER COLUMN heat TYPE bigint, ALTER COLUMN quality TYPE bigint;
