package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"weak"

	"newshub/internal/content"
	"newshub/internal/metrics"
	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
	"newshub/internal/testutil"
	"newshub/internal/web"
)

// TestReloadsLeaveNothingBehind serves a hub as the serve command does
// with --publish (one set of views for the API, the website, search and
// the static copy), writes a few articles to the store 50 times, each
// write followed by the view's reload and requests of every kind (the
// first and the 40th with a static build too), and counts what the process holds after the 10th round and
// after the 50th: goroutines, open files, the live heap, and the views
// of every round but the last few still reachable. A server that
// reloads after every ingest round for months holds what it held after
// its first rounds.
func TestReloadsLeaveNothingBehind(t *testing.T) {
	st := genStore(t, 40)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.DiscardHandler)
	m := metrics.New(metrics.Options{NoRuntime: true})
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Millisecond, Logger: log})
	w, err := web.New(web.Config{Views: views, Store: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Store: st, Views: views, Web: w, Search: w.SearchDoc, Metrics: m, Logger: log})
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	mux.Handle("/", s)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	followed := make(chan struct{})
	go func() { defer close(followed); views.Follow(ctx) }()
	defer func() { cancel(); <-followed }()
	// The static copy's own website, as the serve command's publishing has.
	bw, err := web.New(web.Config{Store: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	bopt := publish.BuildOptions{Views: views, Manifest: &publish.Manifest{}, Extra: []func(context.Context, *publish.View, *publish.Output) error{bw.Build}, Workers: 2}

	lead := currentLead(t, st)
	const warm, rounds = 10, 50
	var (
		old          []weak.Pointer[publish.View]
		baseG, baseF int
		baseHeap     uint64
	)
	for i := 1; i <= rounds; i++ {
		writeRound(t, st, lead, i)
		if i == 1 || i == 40 {
			if _, err := publish.Build(ctx, st, nil, out, bopt); err != nil {
				t.Fatalf("round %d: build: %v", i, err)
			}
		}
		v, err := views.Fresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		askEverything(t, ts, v, i)
		if i < rounds-2 {
			old = append(old, weak.Make(v))
		}
		if i == warm {
			ts.Client().CloseIdleConnections()
			baseG, baseF, baseHeap = runtime.NumGoroutine(), testutil.OpenFiles(t), testutil.LiveHeap()
		}
	}
	ts.Client().CloseIdleConnections()
	g, f := testutil.SettledGoroutines(baseG), testutil.OpenFiles(t)
	if g > baseG+3 {
		t.Errorf("%d goroutines after %d rounds, %d after %d", g, rounds, baseG, warm)
	}
	if f > baseF+3 {
		t.Errorf("%d files open after %d rounds, %d after %d", f, rounds, baseF, warm)
	}
	heap := testutil.LiveHeap()
	alive := 0
	for _, p := range old {
		if p.Value() != nil {
			alive++
		}
	}
	t.Logf("after %d rounds and after %d: %d and %d goroutines, %d and %d files, %d and %d KiB of heap; %d of %d old views alive",
		warm, rounds, baseG, g, baseF, f, baseHeap>>10, heap>>10, alive, len(old))
	if alive > 2 {
		t.Errorf("%d of the views of %d rounds before the last few are still reachable", alive, len(old))
	}
	if heap > baseHeap+baseHeap/2 {
		t.Errorf("live heap %d KiB after %d rounds, %d KiB after %d", heap>>10, rounds, baseHeap>>10, warm)
	}
}

// writeRound writes three new articles of one story, as an ingest round
// that found them does.
func writeRound(t *testing.T, st store.Store, lead *model.Record, round int) {
	t.Helper()
	var recs []*model.Record
	for j := range 3 {
		a := *lead.Article
		a.Title = fmt.Sprintf("Round %d brings report %d on the election", round, j)
		a.PublishedDateTime = testNow.Add(time.Duration(round*3+j) * time.Minute)
		a.Story = fmt.Sprintf("round-%d", round)
		a.Published = j == 0
		a.Related = nil
		recs = append(recs, &model.Record{Kind: model.KindNews, Path: content.NewsPath(a.PublishedDateTime, a.Title), Article: &a})
	}
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
}

// askEverything asks for a page of every kind, as readers and crawlers do
// between rounds.
func askEverything(t *testing.T, ts *httptest.Server, v *publish.View, round int) {
	t.Helper()
	lead := v.Ranked()[0]
	for _, p := range []string{"/api/news/", "/api/news/" + lead.Key + "/", "/api/topics/index.json", "/api/search?q=election+" + fmt.Sprint(round),
		"/", "/news/" + lead.Key + "/", "/stories/" + lead.Story + "/", "/search/?q=report", "/feeds/atom.xml", "/feeds/feed.json", "/metrics", "/healthz"} {
		resp, err := ts.Client().Get(ts.URL + p)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("round %d: %s: %s %.200s %v", round, p, resp.Status, body, err)
		}
	}
}
