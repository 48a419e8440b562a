-- The admin area's sessions, so that every process of the hub honours
-- them and a restart signs no one out: each named by the SHA-256 of its
-- identifier, never the identifier, with a digest of the password stamp
-- it was signed in with; note is the message for the session's next page
-- (JSON). (IF NOT EXISTS: tests run the latest migrations again.)
CREATE TABLE IF NOT EXISTS admin_sessions (
	hash    bytea PRIMARY KEY,
	account text NOT NULL,
	stamp   bytea NOT NULL,
	created timestamptz NOT NULL,
	seen    timestamptz NOT NULL,
	note    bytea
);
CREATE INDEX IF NOT EXISTS admin_sessions_account ON admin_sessions (account);
CREATE INDEX IF NOT EXISTS admin_sessions_seen ON admin_sessions (seen);

-- Keys the admin area shares between processes, such as the one of the
-- sign-in form's token.
CREATE TABLE IF NOT EXISTS admin_keys (
	name text PRIMARY KEY,
	key  bytea NOT NULL
);
