package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// TestAStoreACopyLeftUnfinishedIsOpenedByNoCommand marks a store as a
// copy killed half-way leaves it: serving, ingesting, exporting, reading
// it or copying from or into it each refuse, saying what to do, where
// each took it for a whole hub.
func TestAStoreACopyLeftUnfinishedIsOpenedByNoCommand(t *testing.T) {
	t.Parallel()
	site := localSite(t)
	path := filepath.Join(t.TempDir(), "half.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	mark := &store.CopyMark{From: "postgres://hub.example.com/news", Started: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	if err := st.SetCopyMark(context.Background(), mark); err != nil {
		t.Fatal(err)
	}
	st.Close()
	half := "sqlite:" + path
	other := "sqlite:" + filepath.Join(t.TempDir(), "other.db")
	for _, args := range [][]string{
		{"--site", site, "--db", half, "status"},
		{"--site", site, "--db", half, "ingest", "--once"},
		{"--site", site, "--db", half, "serve", "--addr", "127.0.0.1:0"},
		{"--site", site, "--db", half, "export", filepath.Join(t.TempDir(), "out")},
		{"copy", "--from", half, "--to", other},
		{"copy", "--from", other, "--to", half},
	} {
		// Bounded, so that a serve that took the store runs not for ever.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var out, stderr bytes.Buffer
		code, errs := Run(ctx, args, &out, &stderr, func(string) string { return "" }), stderr.String()
		cancel()
		if code != ExitFailure || !strings.Contains(errs, "holds a copy that has not finished (from postgres://hub.example.com/news") ||
			!strings.Contains(errs, "remove "+path) {
			t.Errorf("%v: exit %d, %q; want a refusal naming the copy and what to do", args, code, errs)
		}
	}
}
