-- The keys of the withheld news, read after every change of the store to
-- take withheld articles out of the newsletter issues that name them.
CREATE INDEX IF NOT EXISTS records_withheld ON records (withheld, canonical_url, guid) WHERE kind = 'news' AND withheld IS NOT NULL;
