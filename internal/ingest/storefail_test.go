package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// failingStore is a real store whose look-ups of stored articles or
// whose writes of news fail while asked to, as a database restarted or
// out of space in the middle of a round fails them.
type failingStore struct {
	store.Store
	lookups, writes atomic.Bool
}

var errStoreDown = errors.New("connection refused: the database is restarting")

func (s *failingStore) ArticleByURL(ctx context.Context, url string) (*model.Record, error) {
	if s.lookups.Load() {
		return nil, errStoreDown
	}
	return s.Store.ArticleByURL(ctx, url)
}

func (s *failingStore) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	if s.writes.Load() {
		return errStoreDown
	}
	return s.Store.UpsertIfUnchanged(ctx, recs)
}

// A store that fails is no failure of the publisher's: the source is not
// counted a failure, not backed off and never paused for it, and is read
// again at the next round after the shortest interval, where its items
// are stored.
func TestAStoreFailureIsNoFailureOfTheSource(t *testing.T) {
	for _, c := range []struct {
		name string
		fail func(*failingStore) *atomic.Bool
	}{
		{"look-up of stored news", func(s *failingStore) *atomic.Bool { return &s.lookups }},
		{"write of the news", func(s *failingStore) *atomic.Bool { return &s.writes }},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newFixtureServer(t)
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "newshub.db"))
			if err != nil {
				t.Fatal(err)
			}
			fs := &failingStore{Store: st}
			h := newHubIn(t, fs, true, model.Source{URL: srv.URL + "/feeds/a.xml"})
			now := time.Now()
			opts := testOptions()
			opts.Policy.PauseAfter = 1 // a failure of the source's would pause it
			opts.Now = func() time.Time { return now }
			in := h.ingester(opts)
			defer in.Close()

			c.fail(fs).Store(true)
			sum, err := in.RunOnce(context.Background())
			if err == nil && sum.Failed == 0 {
				t.Fatalf("the round says nothing failed: %+v", sum)
			}
			s := h.state(t, srv.URL+"/feeds/a.xml")
			if s.Errors != 0 || s.Paused || !strings.Contains(s.LastStatus, "restarting") {
				t.Fatalf("after the store failed: errors %d, paused %v, status %q", s.Errors, s.Paused, s.LastStatus)
			}
			if wait := s.NextFetch.Sub(now); wait <= 0 || wait > scheduler.DefaultMin+scheduler.DefaultMin/10 {
				t.Fatalf("read again in %s, want the shortest interval", wait)
			}

			c.fail(fs).Store(false)
			now = s.NextFetch
			if sum, err = in.RunOnce(context.Background()); err != nil || sum.Fetched != 1 {
				t.Fatalf("next round: %+v, %v", sum, err)
			}
			if news := h.news(t); len(news) == 0 {
				t.Fatal("no news stored at the next round")
			}
			if s := h.state(t, srv.URL+"/feeds/a.xml"); s.Errors != 0 || s.Paused {
				t.Fatalf("after the next round: %+v", s)
			}
		})
	}
}

// A database restarted mid-round fails every source the round meets after
// it: that is one event, logged once at WARN, with each source at DEBUG
// (ingest -v), where each source logged a WARN line of its own, thousands
// in a minute for a hub of thousands of feeds.
func TestAStoreFailureIsLoggedOncePerRound(t *testing.T) {
	srv := newFixtureServer(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	fs := &failingStore{Store: st}
	const n = 12
	var srcs []model.Source
	for i := range n {
		srcs = append(srcs, model.Source{URL: fmt.Sprintf("%s/feeds/a.xml?edition=%d", srv.URL, i)})
	}
	h := newHubIn(t, fs, true, srcs...)
	var logged testutil.LogBuffer
	opts := testOptions()
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()

	fs.lookups.Store(true)
	sum, err := in.RunOnce(context.Background())
	if err != nil || sum.Failed != n {
		t.Fatalf("round: %+v, %v; want %d sources failed", sum, err, n)
	}
	levels := map[string]int{}
	for line := range strings.Lines(logged.String()) {
		if strings.Contains(line, "the store failed") {
			levels[strings.Fields(line)[1]]++
		}
	}
	if want := map[string]int{"level=WARN": 1, "level=DEBUG": n - 1}; !maps.Equal(levels, want) {
		t.Errorf("lines of sources not read as the store failed, by level: %v, want %v\n%s", levels, want, logged.String())
	}
}

// A round stopped by its store, at whichever step, says it is ingest's
// once, in its error and in the round's log: a failure to read the
// sources list came without it, one to read the sources' states with it.
func TestARoundStoppedByItsStoreSaysIngest(t *testing.T) {
	for _, c := range []struct {
		name, says string
		logged     bool // the store takes the round's log
		fail       func(t *testing.T, st store.Store, path string)
	}{
		{"store closed", "load sources", false, func(t *testing.T, st store.Store, _ string) { st.Close() }},
		{"states unreadable", "source states", true, func(t *testing.T, _ store.Store, path string) {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`DROP TABLE source_states`); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "newshub.db")
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			h := newHubIn(t, st, true, model.Source{URL: "http://127.0.0.1:9/feed.xml"})
			in := h.ingester(testOptions())
			defer in.Close()
			c.fail(t, st, path)
			_, err = in.RunOnce(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), "ingest: "+c.says+": ") || strings.Count(err.Error(), "ingest: ") != 1 {
				t.Fatalf("round: %v, want an error starting %q, ingest's prefix once", err, "ingest: "+c.says+": ")
			}
			if !c.logged {
				return
			}
			if rounds, rerr := Rounds(context.Background(), st, 1); rerr != nil || len(rounds) != 1 || rounds[0].Err != err.Error() {
				t.Errorf("the round's log: %+v (%v), want its error %q", rounds, rerr, err)
			}
		})
	}
}
