-- Runs of the scripts written without spaces between words (Chinese,
-- Japanese, Thai) and Korean are indexed as their overlapping pairs of
-- characters (store.SearchIndexText), where a run was one word that no
-- search could find a word inside. The program makes the pairs: the
-- full-text rows of the news holding such runs are made again after this
-- file, in its transaction (see migrationSteps).
SELECT 1;
