-- The full-text index reads the marks of a word (vowel signs, viramas) as
-- part of it, where they split words: दाल (lentils) was read as द and ल,
-- and found दिल्ली (Delhi). Latin accents are still removed. The table is
-- made again with the new tokenizer; the program fills its rows after
-- this file, in its transaction (see migrationSteps), as a write makes
-- them.
DROP TABLE news_fts;
CREATE VIRTUAL TABLE news_fts USING fts5 (
	title, excerpt, provider, topics,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*'''
);
