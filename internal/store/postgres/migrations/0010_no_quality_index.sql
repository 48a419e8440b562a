-- No listing orders news by quality any more than the store's own tests
-- did, and every news write paid for the index: one more B-tree to insert
-- into at a place no other write touches. A listing by quality sorts what
-- it selects instead.
DROP INDEX IF EXISTS records_news_quality;
