package postgres

import (
	"context"
	"testing"

	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openTemp opens a store in a new database.
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openDSN(t, pgtest.DSN(t))
}

func openDSN(t testing.TB, dsn string) *Store {
	t.Helper()
	st, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return st
}

// TestConformance runs the suite every store passes, in a database whose
// collation does not sort text byte by byte (ICU's en-US, as many servers
// are set up), so that the order of paths cannot come from it by chance.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openDSN(t, pgtest.DSNWithLocale(t, "en-US")) })
}
