-- What a search within a time range reads of each match, its publication
-- time, kept in a narrow index so it never reads the record's row, whose
-- large values it would have to step over.
CREATE INDEX records_news_id ON records (id, published_at) WHERE kind = 'news';
