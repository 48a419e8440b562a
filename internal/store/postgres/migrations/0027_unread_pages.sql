-- The article pages an ingest round could not read for want of their
-- host's turn: the articles were stored from their feeds, and a later
-- round reads the pages, oldest first, to complete them. Keyed by a
-- digest of the address, as source states are (0015): a link may be
-- longer than an index entry holds. Written to be run again (a test rewinds
-- the schema past it).
CREATE TABLE IF NOT EXISTS unread_pages (
	url     text COLLATE "C" NOT NULL, -- the page's address, the item's link
	article text NOT NULL,             -- the article's key (its canonical URL)
	source  text NOT NULL,
	host    text COLLATE "C" NOT NULL,
	added   timestamptz NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS unread_pages_url ON unread_pages (md5(url));
CREATE INDEX IF NOT EXISTS unread_pages_host ON unread_pages (host, added);
ALTER TABLE unread_pages REPLICA IDENTITY FULL;
