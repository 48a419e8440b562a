// Package postgrestest opens PostgreSQL stores for the tests of the
// packages that read and write a hub, as sqlitetest opens SQLite ones.
// A package that uses it runs its tests through pgtest.Main.
package postgrestest

import (
	"context"
	"testing"

	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

// Linked opens a store on a new, empty database, reached through a link
// the test can cut and mend (see pgtest.Forward), and closes it when the
// test ends.
func Linked(t testing.TB) (*postgres.Store, *pgtest.Link) {
	t.Helper()
	link := pgtest.Forward(t, pgtest.DSN(t))
	st, err := postgres.Open(context.Background(), link.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, link
}
