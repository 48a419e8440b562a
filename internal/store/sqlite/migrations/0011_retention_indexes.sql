-- Retention runs after every ingest round. It reads the current news older
-- than archive_after, and the archived records of stories that have recent
-- news; neither may cost a walk through the archive, whose rows (file
-- bytes and value first) are costly to read. Current news gets an index of
-- its own by time, and a story's records are indexed by folder too.
CREATE INDEX records_news_current ON records (published_at DESC, path) WHERE kind = 'news' AND archived = 0;
DROP INDEX records_story;
CREATE INDEX records_story ON records (story, archived) WHERE story IS NOT NULL;
