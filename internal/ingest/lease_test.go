package ingest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/ingest/fetcher"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// TestWorkerDoesNotTakeAPathAnotherStoredMeanwhile has two workers with
// handles of their own on one SQLite file. Worker B builds its index, then
// worker A stores an article while B is still reading a feed whose item
// has the same title and date, so the same path: B must give its article
// another path, not replace A's.
func TestWorkerDoesNotTakeAPathAnotherStoredMeanwhile(t *testing.T) {
	ctx := context.Background()
	aDone := make(chan struct{})
	var (
		mu   sync.Mutex
		hits = map[string]int{}
	)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		name := "page.html"
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
			return
		case "/feeds/a.xml":
			name = "desk-a.xml"
		case "/feeds/b1.xml":
			name = "desk-b1.xml"
		case "/feeds/b2.xml":
			<-aDone // B reads this feed only once A has stored its article
			name = "desk-b2.xml"
		}
		b, err := os.ReadFile(filepath.Join("testdata", "paths", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Write(bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(srv.URL)))
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-aDone:
		default:
			close(aDone)
		}
	}()

	db := filepath.Join(t.TempDir(), "hub.db")
	worker := func(feeds ...string) *Ingester {
		st, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		// Each worker reads its own sources list (the store holds none).
		dir := t.TempDir()
		list := "sources:\n"
		for _, f := range feeds {
			list += "  - url: \"" + srv.URL + f + "\"\n"
		}
		if err := os.MkdirAll(filepath.Join(dir, "_data"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), []byte(list), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := &model.Config{Title: "Test hub", URL: "https://hub.example.org", Topic: "Election", AllowPrivateNetworks: true}
		opts := testOptions()
		opts.SiteDir = dir
		opts.Now = func() time.Time { return time.Date(2026, 6, 12, 9, 0, 0, 0, time.UTC) }
		in := New(site.New(cfg, []*model.Topic{{Taxonomy: "topic", ID: "election", Name: "Election"}}, nil), st, opts)
		t.Cleanup(in.Close)
		return in
	}
	a, b := worker("/feeds/a.xml"), worker("/feeds/b1.xml", "/feeds/b2.xml")

	bDone := make(chan error, 1)
	go func() {
		_, err := b.RunOnce(ctx)
		bDone <- err
	}()
	// B asks for the page of b1's item once it has read b1 against its
	// index: the index is built by then.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := hits["/ledger/polls-open"]
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("B never read its first feed's page")
		}
	}
	if sum, err := a.RunOnce(ctx); err != nil || sum.New != 1 {
		t.Fatalf("A: %+v, %v; want one new article", sum, err)
	}
	close(aDone)
	if err := <-bDone; err != nil {
		t.Fatal(err)
	}

	byLink := map[string]string{}
	err := a.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		byLink[strings.TrimPrefix(r.Article.OriginalURL, srv.URL)] = r.Path
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/capitol/briefing-0612": "_news/2026-06-12-morning-briefing.md",
		"/harbor/briefing-0612":  "_news/2026-06-12-morning-briefing-2.md",
		"/ledger/polls-open":     "_news/2026-06-12-polls-open-early-in-three-counties.md",
	}
	for link, path := range want {
		if byLink[link] != path {
			t.Errorf("article %s at %q, want %q", link, byLink[link], path)
		}
	}
	if len(byLink) != len(want) {
		t.Errorf("stored %v, want %v", byLink, want)
	}
}

// TestSourceNotAskedByAnotherWorkerIsLeftToIt has two workers with
// handles of their own on one SQLite file list a feed whose host answered
// the first 429 with a Retry-After of an hour. The first, in its round,
// does not ask the feed and records it due once the wait is over; the
// second, whose round took the feed as due before that, finds it recorded
// when it gets the feed's lease and leaves it, as it leaves one another
// worker fetched, rather than ask the host that asked to wait.
func TestSourceNotAskedByAnotherWorkerIsLeftToIt(t *testing.T) {
	ctx := context.Background()
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed" {
			asked.Add(1)
		}
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	feedURL := srv.URL + "/feed"
	db := filepath.Join(t.TempDir(), "hub.db")
	worker := func(srcs ...model.Source) (*hub, *Ingester) {
		st, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		h := newHubIn(t, st, true, srcs...) // the list is the store's, listed once
		in := h.ingester(testOptions())
		t.Cleanup(in.Close)
		return h, in
	}
	_, a := worker(model.Source{URL: feedURL})
	hb, b := worker()
	// The second worker's round begins: the feed, never fetched, is due.
	due := job{src: model.Source{URL: feedURL}, state: store.SourceState{URL: feedURL}}

	if _, err := a.fetch.Fetch(ctx, fetcher.Request{URL: srv.URL + "/busy"}); fetcher.RetryAfter(err) != time.Hour {
		t.Fatalf("the host: %v, want a 429 asking to wait an hour", err)
	}
	if sum, err := a.RunOnce(ctx); err != nil || sum.HeldOff != 1 {
		t.Fatalf("first worker: %+v, %v; want the feed not asked", sum, err)
	}
	r := &round{in: b, began: time.Now(), queue: newQueue(1, 10),
		leases: &leases{st: hb.st, holder: b.holder, ttl: time.Minute, held: map[string]bool{}}}
	jobs := make(chan job, 1)
	if _, elsewhere, err := r.dispatchChunk(ctx, []job{due}, jobs); err != nil || len(jobs) != 0 || elsewhere != 1 {
		t.Fatalf("second worker: %d sources handed to its fetchers, %d left to the other worker (%v); want the feed left", len(jobs), elsewhere, err)
	}
	if asked.Load() != 0 {
		t.Errorf("the feed was asked %d times, want none", asked.Load())
	}
}

// statesCounted is a real store that counts the reads of sources' states
// by one source and by several.
type statesCounted struct {
	store.Store
	one, several atomic.Int32
}

func (s *statesCounted) SourceState(ctx context.Context, url string) (store.SourceState, error) {
	s.one.Add(1)
	return s.Store.SourceState(ctx, url)
}

func (s *statesCounted) SourceStatesOf(ctx context.Context, urls ...string) (map[string]store.SourceState, error) {
	s.several.Add(1)
	return s.Store.SourceStatesOf(ctx, urls...)
}

// A round reads the states of the sources it leased once a chunk leased,
// whether they have states yet or not, where it read them one source at a
// time: a statement a source, on a server shared by several workers, was
// most of what a round asked of it.
func TestARoundReadsTheStatesOfItsSourcesOnceAChunk(t *testing.T) {
	const feeds = 2*leaseChunk + 3
	srv := newWindowServer(t, 1)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	sc := &statesCounted{Store: st}
	h := newHubIn(t, sc, true, srv.sources(feeds)...)
	opts := testOptions()
	opts.All, opts.SkipPages = true, true
	in := h.ingester(opts)
	defer in.Close()
	chunks := (feeds + leaseChunk - 1) / leaseChunk
	for _, round := range []string{"the first round (no state yet)", "the second (every state stored)"} {
		sc.one.Store(0)
		sc.several.Store(0)
		sum, err := in.RunOnce(context.Background())
		if err != nil || sum.Fetched != feeds {
			t.Fatalf("%s: %d of %d feeds fetched, %v", round, sum.Fetched, feeds, err)
		}
		if reads := sc.one.Load() + sc.several.Load(); reads != int32(chunks) {
			t.Errorf("%s: %d reads of states (%d of one source), want one a chunk leased (%d)",
				round, reads, sc.one.Load(), chunks)
		}
	}
}
