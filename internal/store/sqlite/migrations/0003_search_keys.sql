-- What a filtered search reads of each match (its publication time and
-- path), kept in an index so it never reads the record's row, whose large
-- values it would have to step over.
CREATE INDEX records_news_id ON records (id, published_at, path) WHERE kind = 'news';
