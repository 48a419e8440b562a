-- The tokens of the topics and of a withheld record leave the full-text
-- index of the texts for one of their own: bm25 reads a row's length as
-- all its columns' tokens, so an article ranked lower for a query the
-- more topics it carried, where a match is to rank by its title, excerpt
-- and publisher alone (as PostgreSQL ranks it). A search within a topic
-- still finds its rows by the topic's token. Both tables are made again;
-- the program fills their rows after this file, in its transaction (see
-- migrationSteps), as a write makes them.
DROP TABLE news_fts;
CREATE VIRTUAL TABLE news_fts USING fts5 (
	title, excerpt, provider,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*'''
);
CREATE VIRTUAL TABLE news_topics USING fts5 (
	topics,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*'''
);
