// Package sqlitetest opens throwaway SQLite stores for the tests of the
// packages that read and write a hub.
package sqlitetest

import (
	"context"
	"testing"

	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// Open opens a new store in the test's temporary folder, closed when the
// test ends.
func Open(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), Path(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Path returns the path, in the test's temporary folder, of a new store's
// database file: a copy of one made once per process (testutil.FileCopy).
func Path(t testing.TB) string {
	t.Helper()
	return testutil.FileCopy(t, "sqlite store", "hub.db", func(path string) error {
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			return err
		}
		return st.Close()
	})
}
