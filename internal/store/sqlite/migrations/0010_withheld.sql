-- Why a news record is withheld from publication (Article.Withheld),
-- NULL when it may be published, so public listings can leave the
-- withheld out; and until when an editor pinned a lead to the top (Unix
-- microseconds), NULL when not pinned. Records stored before carry
-- neither. The full-text rows of withheld records gain the token
-- "withheld" in their topics column (see topicTokens), which no topic
-- token can be, so a public search leaves them out in the index.
ALTER TABLE records ADD COLUMN withheld TEXT;
ALTER TABLE records ADD COLUMN pinned_until INTEGER;
CREATE INDEX records_pinned ON records (pinned_until) WHERE pinned_until IS NOT NULL;
