-- The article pages an ingest round could not read for want of their
-- host's turn: the articles were stored from their feeds, and a later
-- round reads the pages, oldest first, to complete them.
CREATE TABLE unread_pages (
	url     TEXT    NOT NULL PRIMARY KEY, -- the page's address, the item's link
	article TEXT    NOT NULL,             -- the article's key (its canonical URL)
	source  TEXT    NOT NULL,
	host    TEXT    NOT NULL,
	added   INTEGER NOT NULL              -- Unix microseconds
) WITHOUT ROWID;
CREATE INDEX unread_pages_host ON unread_pages (host, added, url);
