-- The full-text index gains the news record's topics, one token each
-- ("t" and the hex of the topic's name, which no word of the text can be),
-- so a search within a topic is one index lookup, not a test of every
-- match. The index is made again from the records: its rows had no topics.
DROP TABLE news_fts;
CREATE VIRTUAL TABLE news_fts USING fts5 (
	title, excerpt, provider, topics,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO news_fts (rowid, title, excerpt, provider, topics)
	SELECT r.id, coalesce(json_extract(r.value, '$.title'), ''), coalesce(json_extract(r.value, '$.excerpt'), ''),
		coalesce(json_extract(r.value, '$.provider.name'), ''),
		coalesce((SELECT group_concat('t' || lower(hex(j.value)), ' ') FROM json_each(r.value, '$.topics') j
			WHERE j.value <> ''), '')
	FROM records r WHERE r.kind = 'news';
-- The digests in text_key were made without the topics: they differ from
-- what a write computes now, so the next write of each record makes its
-- row again, once.
