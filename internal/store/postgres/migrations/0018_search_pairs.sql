-- Runs of the scripts written without spaces between words (Chinese,
-- Japanese, Thai) and Korean are indexed as their overlapping pairs of
-- characters (store.SearchWords), where a run was one word that no search
-- could find a word inside. The program makes the words of every document
-- (search_doc takes them split and folded), so it makes the documents
-- holding such runs again, after this file, in its transaction (see
-- migrationSteps).
SELECT 1;
