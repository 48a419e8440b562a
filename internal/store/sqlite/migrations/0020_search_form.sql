-- Search reads text composed (NFC) and the dotless ı as i
-- (store.SearchForm), where the index held a letter sent as a base letter
-- and marks as the tokenizer read it (without its marks: "Йошкар" was
-- indexed as иошкар) and ı apart from i (so "SONUÇLARI" did not find
-- "sonuçları"). The program makes the rows of the records whose texts
-- change again, after this file, in its transaction (see migrationSteps).
SELECT 1;
