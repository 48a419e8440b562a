-- The permission bits of the files import read (0600, 0755), by path,
-- for export to write them back with; a path not listed is written 0644.
CREATE TABLE file_modes (
	path text COLLATE "C" NOT NULL PRIMARY KEY,
	mode integer NOT NULL
);
