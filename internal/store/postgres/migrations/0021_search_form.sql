-- Search reads text composed (NFC) before it splits it into words
-- (store.SearchForm), so Korean sent as its jamo is read as the syllables
-- a reader types, where a document held pairs of jamo that no search
-- found. The program makes the documents holding jamo again, after this
-- file, in its transaction (see migrationSteps).
SELECT 1;
