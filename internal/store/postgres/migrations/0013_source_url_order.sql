-- Sources' URLs sort byte by byte (COLLATE "C"), as records' paths do, so
-- that SourceStates lists them in the order SQLite does: in a database's
-- linguistic collation "https://example.com/Feed.xml" came after ".../atom.xml",
-- and a copy of a hub between the two stores failed its check.
ALTER TABLE source_states ALTER COLUMN url TYPE text COLLATE "C";
