package importer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"newshub/internal/store"
)

// TestExportAndImportCarryThePurgedKeysDates moves a hub holding the keys
// of two purged articles, one dated by its feed and one kept for ever:
// the moved hub keeps both as they were. The undated key's line names no
// date, as files written before dates were kept read.
func TestExportAndImportCarryThePurgedKeysDates(t *testing.T) {
	ctx := context.Background()
	old := openHub(t, filepath.Join(t.TempDir(), "old.db"))
	at := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	err := old.Purge(ctx, []store.Purge{
		{Path: "_news/2024-08-30-dated.md", Keys: []string{"https://example.com/dated"}, At: at, Dated: time.Date(2024, 8, 30, 9, 0, 0, 0, time.UTC)},
		{Path: "_news/2024-08-30-undated.md", Keys: []string{"https://example.com/undated"}, At: at},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	writeFile(t, out, "_config.yml", []byte("title: Moved\n"))
	exportHub(t, old, out)
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(PurgedPath)))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte(`"dated":`)); n != 1 {
		t.Fatalf("%s names %d dates, want 1, the undated key's line without:\n%s", PurgedPath, n, data)
	}
	moved := openHub(t, filepath.Join(t.TempDir(), "new.db"))
	if res, err := Import(ctx, moved, out, Options{SiteDir: out}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import of the export: %v, rejected %v", err, res.Rejected)
	}
	want, got := tombstonesOf(t, old), tombstonesOf(t, moved)
	if !slices.EqualFunc(got, want, func(a, b store.Tombstone) bool {
		return a.Key == b.Key && a.Path == b.Path && a.PurgedAt.Equal(b.PurgedAt) && a.Dated.Equal(b.Dated)
	}) {
		t.Errorf("moved hub's purged keys %+v, want %+v", got, want)
	}
}

// tombstonesOf lists the tombstones of st, in key order.
func tombstonesOf(t *testing.T, st store.Store) []store.Tombstone {
	t.Helper()
	var out []store.Tombstone
	if err := st.Tombstones(context.Background(), func(ts store.Tombstone) error { out = append(out, ts); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}
