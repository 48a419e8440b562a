// Package sqlitetest opens throwaway SQLite stores for the tests of the
// packages that read and write a hub.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// Open opens a new store in the test's temporary folder, closed when the
// test ends.
func Open(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
