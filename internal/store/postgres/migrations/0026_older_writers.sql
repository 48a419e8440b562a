-- A write of a program older than the schema is refused: a process of the
-- hub left running while a newer one migrated the store would write rows
-- as the schema it knew wanted them (a generation without its commit
-- time, a search document of an older form). Every write bumps the
-- generation, and a program says, in its write transactions, the latest
-- schema version it knows (newshub.schema); one that knows less, or says
-- nothing as programs before this migration do, has its bump refused and
-- with it the whole write. (OR REPLACE, IF EXISTS: tests run the latest
-- migrations again.)
CREATE OR REPLACE FUNCTION refuse_older_writer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	known integer := coalesce(nullif(current_setting('newshub.schema', true), ''), '0')::integer;
	latest integer;
BEGIN
	SELECT max(version) INTO latest FROM schema_version;
	IF known < latest THEN
		RAISE EXCEPTION 'database schema version % is newer than this program knows%: upgrade newshub; nothing of this write was stored',
			latest, CASE WHEN known > 0 THEN format(' (%s)', known) ELSE '' END
			USING ERRCODE = 'NH001';
	END IF;
	RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS generation_older_writer ON generation;
CREATE TRIGGER generation_older_writer BEFORE UPDATE ON generation
	FOR EACH ROW EXECUTE FUNCTION refuse_older_writer();
