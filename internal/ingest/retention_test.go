package ingest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
)

// retentionServer serves the feeds of testdata/retention: the wire's, and
// the daily's, which offers later news from the second round on.
func retentionServer(t *testing.T, later *atomic.Bool) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	feed := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if name == "daily.xml" && later.Load() {
				name = "daily-later.xml"
			}
			b, err := os.ReadFile(filepath.Join("testdata", "retention", name))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(srv.URL)))
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feeds/wire.xml", feed("wire.xml"))
	mux.HandleFunc("/feeds/daily.xml", feed("daily.xml"))
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// retentionHub is a hub of the feeds of retentionServer, and the options
// of an ingester that archives news after 30 days and purges unpublished
// duplicates after 45, at the time *now.
func retentionHub(t *testing.T, later *atomic.Bool, now *time.Time) (*hub, *httptest.Server, Options) {
	t.Helper()
	srv := retentionServer(t, later)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/wire.xml"}, model.Source{URL: srv.URL + "/feeds/daily.xml"})
	opts := testOptions()
	opts.SkipPages, opts.All = true, true
	opts.Now = func() time.Time { return *now }
	opts.Retention = &retention.Policy{ArchiveAfter: 30 * 24 * time.Hour, PurgeAfter: 45 * 24 * time.Hour}
	return h, srv, opts
}

func TestRoundsApplyRetentionAndPurgedArticlesStayOut(t *testing.T) {
	var later atomic.Bool
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	h, srv, opts := retentionHub(t, &later, &now)
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()

	// Round 1: the story of two publishers and a lone article, all from
	// January: the story's duplicate is purged, the rest archived.
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rs := sum.Retention
	if sum.New != 3 || rs.News != 3 || rs.Purged != 1 || rs.Archived != 2 || rs.Stories != 2 || rs.Keys < 2 {
		t.Fatalf("round 1: %d new, retention %+v; want 3 new, 1 purged, 2 archived in 2 stories", sum.New, rs)
	}
	var purged []store.Tombstone
	if err := h.st.Tombstones(ctx, func(ts store.Tombstone) error { purged = append(purged, ts); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(purged) != rs.Keys || !strings.HasPrefix(purged[0].Path, "_news/2024-01-10-senate-passes") {
		t.Fatalf("tombstones %+v", purged)
	}
	news := h.news(t)
	if len(news) != 2 {
		t.Fatalf("%d news stored after round 1, want 2", len(news))
	}
	for u, a := range news {
		if !a.Archived || !a.Published {
			t.Errorf("%s: archived %v, published %v; want an archived lead", u, a.Archived, a.Published)
		}
	}

	// Round 2: the feeds offer the purged article again (the daily's with
	// other tracking parameters), the stored ones, and one new article.
	later.Store(true)
	sum, err = in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Items != 4 || sum.New != 1 || sum.NotStored[ReasonPurged] != 1 || sum.NotStored[ReasonKnown] != 2 || sum.Duplicates != 3 {
		t.Fatalf("round 2: %+v; want 4 items: 1 new, 1 %q, 2 %q", sum, ReasonPurged, ReasonKnown)
	}
	news = h.news(t)
	if len(news) != 3 {
		t.Fatalf("%d news after round 2, want 3", len(news))
	}
	drops := 0
	for _, src := range []string{"/feeds/wire.xml", "/feeds/daily.xml"} {
		for _, d := range h.state(t, srv.URL+src).LastRead.Drops {
			if d.Reason == ReasonPurged {
				drops++
				if !strings.Contains(d.Detail, purged[0].Path) {
					t.Errorf("drop %+v does not say where the article was", d)
				}
			}
		}
	}
	if drops != 1 {
		t.Errorf("%d items reported %q, want 1", drops, ReasonPurged)
	}
	// Of the three stored, retention reads the new article only: the
	// archived two are of stories past the cut, and not read again.
	if rs := sum.Retention; rs.Archived != 0 || rs.Purged != 0 || rs.News != 1 {
		t.Errorf("round 2 retention %+v; want nothing due, 1 record read", rs)
	}
	next := sum.Retention.Next

	// Round 3: nothing due, nothing written: retention is not applied.
	opts.All = false
	in3 := h.ingester(opts)
	defer in3.Close()
	in3.retained = in.retained
	sum, err = in3.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Due != 0 || sum.Retention.News != 0 {
		t.Fatalf("round 3: %d due, retention %+v; want neither", sum.Due, sum.Retention)
	}
	// Once the new article is older than 30 days, the next round archives it.
	now = next
	sum, err = in3.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Retention.Archived != 1 {
		t.Fatalf("round at %s: retention %+v; want the new article archived", now, sum.Retention)
	}
}

// TestAPurgedArticleStaysOutOnceItsKeysAreLetGo purges a duplicate, lets
// its keys go once its date is past purge_after and the margin, and has
// its feed list it again: it is not stored, for its date, where without
// its keys it would be stored as new.
func TestAPurgedArticleStaysOutOnceItsKeysAreLetGo(t *testing.T) {
	var later atomic.Bool
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	h, _, opts := retentionHub(t, &later, &now)
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs := sum.Retention; rs.Purged != 1 || rs.Expired != 0 {
		t.Fatalf("round 1: retention %+v; want the duplicate purged, no key let go", rs)
	}
	// Past its date (10 January) by purge_after (45 days) and the margin:
	// the round still finds its keys, then retention lets them go.
	later.Store(true)
	now = time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC)
	if sum, err = in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if sum.NotStored[ReasonPurged] != 1 || sum.Retention.Expired == 0 {
		t.Fatalf("round 2: %+v; want the duplicate not stored as %q, its keys then let go", sum, ReasonPurged)
	}
	if err := h.st.Tombstones(ctx, func(ts store.Tombstone) error {
		return fmt.Errorf("tombstone %+v kept", ts)
	}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if sum, err = in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if sum.New != 0 || sum.NotStored[ReasonPastKeys] != 1 {
		t.Errorf("round 3: %+v; want the duplicate not stored, as %q", sum, ReasonPastKeys)
	}
	for u, a := range h.news(t) {
		if strings.Contains(u, "/wire/senate-voting-rights-bill") {
			t.Errorf("the purged duplicate is stored again: %s, published %v", u, a.Published)
		}
	}
}

// TestAnItemDatedByItsPageBeforeTheKeysKeptIsNotStored serves a feed
// whose items give no date a feed could (Unix time's zero, a year ahead)
// and whose pages date two of them months before the keys of purged
// articles are kept: those two are not stored, as their tombstones,
// dated by the pages, would be let go while the feed lists them still.
// With purge_after off, every item is stored.
func TestAnItemDatedByItsPageBeforeTheKeysKeptIsNotStored(t *testing.T) {
	tests := []struct {
		name      string
		policy    retention.Policy
		new, past int
	}{
		{"purge_after off", retention.Policy{ArchiveAfter: 30 * 24 * time.Hour}, 3, 0},
		{"purge_after 30 days", retention.Policy{PurgeAfter: 30 * 24 * time.Hour}, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := impossibleDatesServer(t)
			h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
			opts := testOptions()
			opts.Now = func() time.Time { return time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC) }
			opts.Retention = &tt.policy
			in := h.ingester(opts)
			defer in.Close()
			sum, err := in.RunOnce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.New != tt.new || sum.NotStored[ReasonPastKeys] != tt.past {
				t.Fatalf("%d new, %d %q; want %d, %d (%+v)", sum.New, sum.NotStored[ReasonPastKeys], ReasonPastKeys, tt.new, tt.past, sum.NotStored)
			}
			news := h.news(t)
			if a := news[srv.URL+"/notices/sample-ballots"]; (a != nil) != (tt.past == 0) {
				t.Errorf("the article dated by its page stored: %v, want %v", a != nil, tt.past == 0)
			}
		})
	}
}
