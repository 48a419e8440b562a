-- Why a news record is withheld from publication (Article.Withheld), NULL
-- when it may be published, so public listings leave the withheld out;
-- until when an editor pinned a lead to the top (Unix microseconds), NULL
-- when not pinned. The search rows carry whether their record is withheld,
-- so a public search leaves them out without reading the records; it is
-- part of what the rows' digest (search_key) covers. Records stored before
-- carry neither.
ALTER TABLE records ADD COLUMN withheld text, ADD COLUMN pinned_until bigint;
CREATE INDEX records_pinned ON records (pinned_until) WHERE pinned_until IS NOT NULL;
ALTER TABLE news_search ADD COLUMN withheld boolean NOT NULL DEFAULT false;
