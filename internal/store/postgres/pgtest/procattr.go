package pgtest

// account is a user the server process runs as.
type account struct{ uid, gid int }
