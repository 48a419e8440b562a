-- The one listing by heat, a newsletter's issue, asks for one day's news:
-- read through the index by time and sorted, as a listing by quality is
-- (0010_no_quality_index.sql). Every news write paid for the index (one
-- more B-tree over every article, its entry moved at each change of
-- heat), and an ingest turn's writes are on its round's critical path.
DROP INDEX IF EXISTS records_news_heat;
