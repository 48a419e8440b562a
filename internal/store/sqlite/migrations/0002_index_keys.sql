-- Digests of what a news record's full-text row (title, excerpt,
-- publisher) and topic rows (publication time, topics) were made from, so
-- a write can tell whether to replace them without parsing the stored
-- value. NULL in rows written before: those are read from the value.
ALTER TABLE records ADD COLUMN text_key BLOB;
ALTER TABLE records ADD COLUMN topics_key BLOB;

-- The addresses of a news record, so the links between articles can be
-- listed without decoding values.
ALTER TABLE records ADD COLUMN original_url TEXT;
ALTER TABLE records ADD COLUMN web_url TEXT;
UPDATE records SET original_url = json_extract(value, '$.originalUrl'), web_url = json_extract(value, '$.webUrl')
	WHERE kind = 'news';
