package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
)

// TestAHubMovedByExportAndImportKeepsWhatItKnowsOfItsSources: what ingest
// knows of the sources (the validators of a conditional request, the
// failures counted, when each is due) and the hosts that asked to be left
// alone go along when the hub is exported and imported into a new store,
// so that the moved hub asks a feed that has not changed whether it has,
// rather than fetch it whole, and keeps to a host's Retry-After.
func TestAHubMovedByExportAndImportKeepsWhatItKnowsOfItsSources(t *testing.T) {
	// Most of it waits on the failing source. The cases stay one after
	// the other: both count the fetches of one feed.
	t.Parallel()
	targets := []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "new.db") }},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.DSN(t) }},
	}
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-county-clerk.xml"))
	if err != nil {
		t.Fatal(err)
	}
	const etag, modified = `"v1"`, "Tue, 03 Nov 2026 10:00:00 GMT"
	var mu sync.Mutex
	var whole int // requests answered with the whole feed
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		mu.Lock()
		whole++
		mu.Unlock()
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer srv.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer failing.Close()

	site := localSite(t)
	hub := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
	runOK(t, "--site", site, "--db", hub, "import")
	runOK(t, "--site", site, "--db", hub, "sources", "add", srv.URL+"/feed.xml")
	runOK(t, "--site", site, "--db", hub, "sources", "add", failing.URL+"/feed.xml")
	run(t, "--site", site, "--db", hub, "ingest", "--once", "--no-pages")
	// A host that asked to wait, as ingest records one.
	hold := map[string]time.Time{"feeds.example.org": time.Now().Add(time.Hour).UTC().Truncate(time.Second)}
	st, err := sqlite.Open(context.Background(), strings.TrimPrefix(hub, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutHostHolds(context.Background(), hold, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	want, wantHolds := sourcesOf(t, hub)
	if len(want) != 2 || !strings.Contains(strings.Join(want, "\n"), etag) || !strings.Contains(strings.Join(want, "\n"), "Errors:1") {
		t.Fatalf("the hub's sources before the move, want one read with its ETag and one failed:\n%s", strings.Join(want, "\n"))
	}
	wantRounds := roundsOf(t, hub)
	if len(wantRounds) == 0 {
		t.Fatal("the hub logged no ingest round")
	}
	out := filepath.Join(t.TempDir(), "out")
	runOK(t, "--site", site, "--db", hub, "export", out)
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			runOK(t, "--site", out, "--db", db, "import")
			got, gotHolds := sourcesOf(t, db)
			if !slices.Equal(got, want) {
				t.Errorf("the sources after the move:\n%s\nwant as before:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !slices.Equal(gotHolds, wantHolds) {
				t.Errorf("the hosts' holds after the move: %q, want %q", gotHolds, wantHolds)
			}
			if got := roundsOf(t, db); !slices.Equal(got, wantRounds) {
				t.Errorf("the ingest rounds logged after the move:\n%s\nwant as before:\n%s", strings.Join(got, "\n"), strings.Join(wantRounds, "\n"))
			}
			mu.Lock()
			before := whole
			mu.Unlock()
			runOK(t, "--site", out, "--db", db, "ingest", "--once", "--no-pages", "--all")
			mu.Lock()
			defer mu.Unlock()
			if whole != before {
				t.Errorf("the moved hub fetched the unchanged feed whole %d times, not asking with its ETag", whole-before)
			}
		})
	}
}

// openDB opens the store db for a test's checks.
func openDB(t *testing.T, db string) store.Store {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var err error
	if postgres.IsDSN(db) {
		st, err = postgres.Open(ctx, db)
	} else {
		st, err = sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// roundsOf returns the ingest rounds the store db logged, newest first,
// each as one line.
func roundsOf(t *testing.T, db string) []string {
	t.Helper()
	st := openDB(t, db)
	defer st.Close()
	rounds, err := st.Rounds(context.Background(), store.MaxRounds)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rounds {
		out = append(out, r.Started.UTC().Format(time.RFC3339Nano)+" "+string(r.Summary))
	}
	return out
}

// sourcesOf returns the source states of the store db, each as one line,
// and its hosts' holds.
func sourcesOf(t *testing.T, db string) (states, holds []string) {
	t.Helper()
	ctx := context.Background()
	st := openDB(t, db)
	defer st.Close()
	all, err := st.SourceStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		s.LastFetch, s.LastSuccess, s.NextFetch = s.LastFetch.UTC(), s.LastSuccess.UTC(), s.NextFetch.UTC()
		states = append(states, fmt.Sprintf("%+v", s))
	}
	slices.Sort(states)
	hh, err := st.HostHolds(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for h, until := range hh {
		holds = append(holds, h+" "+until.UTC().Format(time.RFC3339Nano))
	}
	slices.Sort(holds)
	return states, holds
}
