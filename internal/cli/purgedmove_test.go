package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
)

// TestAHubMovedByExportAndImportKeepsThePurgedKeys: the keys of the
// duplicates retention purged go along when the hub is exported and
// imported into a new store, so that its ingest does not store them again
// from the feeds that still list them, and explain says they were purged.
func TestAHubMovedByExportAndImportKeepsThePurgedKeys(t *testing.T) {
	targets := []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "new.db") }},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.DSN(t) }},
	}
	site := retentionSite(t, 600, "30d", "60d", importInProcess(t))
	runOK(t, "--site", site, "curate", "--archive", "--now", retentionUntil.Format(time.RFC3339))
	want := purgedKeys(t, "sqlite:"+filepath.Join(site, ".newshub", "newshub.db"))
	if len(want) == 0 {
		t.Fatal("retention purged nothing")
	}
	out := filepath.Join(t.TempDir(), "out")
	runOK(t, "--site", site, "export", out)
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			runOK(t, "--site", out, "--db", db, "import")
			if got := purgedKeys(t, db); !slices.Equal(got, want) {
				t.Errorf("the new store keeps %d purged keys, want the %d kept before the move, the first %q", len(got), len(want), want[0])
			}
			key, _, _ := strings.Cut(want[0], " ")
			if code, got, errs := run(t, "--site", out, "--db", db, "explain", key); code != 0 || !strings.Contains(got, "purged") {
				t.Errorf("explain %s after the move does not say it was purged: exit %d\n%s%s", key, code, got, errs)
			}
			again := filepath.Join(t.TempDir(), "again")
			runOK(t, "--site", out, "--db", db, "export", again)
			sameTree(t, "exported again", treeOf(t, again), treeOf(t, out))
		})
	}
}

// purgedKeys lists the tombstones of the store db as "key path time".
func purgedKeys(t *testing.T, db string) []string {
	t.Helper()
	st := openDB(t, db)
	defer st.Close()
	var keys []string
	err := st.Tombstones(context.Background(), func(ts store.Tombstone) error {
		keys = append(keys, ts.Key+" "+ts.Path+" "+ts.PurgedAt.UTC().Format(time.RFC3339Nano))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
