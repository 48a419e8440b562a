-- The topic tokens of a news record (and the withheld token) leave its
-- full-text row for a row of their own, in news_topics: bm25 reads a
-- row's length as all its tokens, so an article filed under twelve topics
-- ranked below the same text filed under one. A search within a topic, or
-- of the public news, is the text's matches within the matches of a token
-- there. Both tables are filled by the program after this file, in its
-- transaction (see migrationSteps), as a write makes them.
DROP TABLE news_fts;
CREATE VIRTUAL TABLE news_fts USING fts5 (
	title, excerpt, provider,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*'''
);
DROP TABLE IF EXISTS news_topics;
CREATE VIRTUAL TABLE news_topics USING fts5 (
	topics,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*'''
);
