-- The keys of the withheld news, read after every change of the store to
-- take withheld articles out of the newsletter issues that name them:
-- found by this index, not by a walk through every record, whose file
-- bytes and value come first and are costly to read. The reason leads, so that the
-- planner sees a search of a range, not a walk through one more index.
CREATE INDEX records_withheld ON records (withheld, canonical_url, guid) WHERE kind = 'news' AND withheld IS NOT NULL;
