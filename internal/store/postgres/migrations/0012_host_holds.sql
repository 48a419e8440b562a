-- The hosts that asked, by a Retry-After, to be left alone, and until
-- when: a fetcher started again keeps to it.
CREATE TABLE host_holds (
	host  text COLLATE "C" NOT NULL PRIMARY KEY,
	until timestamptz NOT NULL
);
