-- A lease taken or renewed by a program older than the schema is refused,
-- as its writes are (0026_older_writers.sql): a lease bumps no generation,
-- and an older worker left running took sources from the current ones,
-- fetched them and had each write of what it fetched refused. A program
-- says the latest schema version it knows in its lease transactions
-- (newshub.schema); one that knows less, or says nothing as programs
-- before this migration do, takes no lease. Once a statement, not a row:
-- a lease asks for many names at once. Releasing a lease stays open to
-- all, so that an older worker stopping gives its sources back. (IF
-- EXISTS: tests run the latest migrations again.)
DROP TRIGGER IF EXISTS leases_older_writer ON leases;
CREATE TRIGGER leases_older_writer BEFORE INSERT OR UPDATE ON leases
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_older_writer();
