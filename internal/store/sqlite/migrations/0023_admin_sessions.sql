-- The admin area's sessions, so that every process of the hub honours
-- them and a restart signs no one out: each named by the SHA-256 of its
-- identifier, never the identifier, with a digest of the password stamp
-- it was signed in with. Times are Unix microseconds; note is the
-- message for the session's next page (JSON).
CREATE TABLE IF NOT EXISTS admin_sessions (
	hash    BLOB    PRIMARY KEY,
	account TEXT    NOT NULL,
	stamp   BLOB    NOT NULL,
	created INTEGER NOT NULL,
	seen    INTEGER NOT NULL,
	note    BLOB
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS admin_sessions_account ON admin_sessions (account);
CREATE INDEX IF NOT EXISTS admin_sessions_seen ON admin_sessions (seen);

-- Keys the admin area shares between processes, such as the one of the
-- sign-in form's token.
CREATE TABLE IF NOT EXISTS admin_keys (
	name TEXT PRIMARY KEY,
	key  BLOB NOT NULL
) WITHOUT ROWID;
