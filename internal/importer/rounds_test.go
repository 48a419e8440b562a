package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"newshub/internal/ingest"
	"newshub/internal/store"
)

// TestAHubMovedByExportAndImportKeepsItsLogOfRounds: the log of the
// ingest rounds goes along, so the moved hub's metrics say when its last
// round ended (a restart reads it from the log) and its admin area lists
// them; imported again into the moved hub, which has a log by then, the
// folder adds no round to it.
func TestAHubMovedByExportAndImportKeepsItsLogOfRounds(t *testing.T) {
	ctx := context.Background()
	dir := gridHub(t, "")
	old := openHub(t, filepath.Join(t.TempDir(), "old.db"))
	if _, err := Import(ctx, old, dir, Options{SiteDir: dir}); err != nil {
		t.Fatal(err)
	}
	ingestOnce(t, old, dir)
	want := roundsOf(t, old)
	if len(want) != 1 {
		t.Fatalf("the hub logged %d rounds, want 1", len(want))
	}

	out := filepath.Join(t.TempDir(), "out")
	exportHub(t, old, out)
	moved := openHub(t, filepath.Join(t.TempDir(), "new.db"))
	for _, pass := range []string{"first", "second"} {
		if res, err := Import(ctx, moved, out, Options{SiteDir: out}); err != nil || len(res.Rejected) > 0 {
			t.Fatalf("%s import of the export: %v, rejected %v", pass, err, res.Rejected)
		}
		got := roundsOf(t, moved)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after the %s import the moved hub logs the rounds\n%v\nwant\n%v", pass, got, want)
		}
	}
}

// roundsOf returns the rounds st logged, newest first, each as a line.
func roundsOf(t *testing.T, st store.Store) []string {
	t.Helper()
	rounds, err := ingest.Rounds(context.Background(), st, store.MaxRounds)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rounds {
		out = append(out, fmt.Sprintf("%s %+v", r.Started.UTC().Format("2006-01-02T15:04:05.999999999Z"), r))
	}
	return out
}
