package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
)

// withRecs is a result carrying n new records.
func withRecs(n int) *result {
	res := &result{}
	for range n {
		res.recs = append(res.recs, &model.Record{Kind: model.KindNews})
	}
	return res
}

func TestQueueTakeWaitsForABatchThenTakesEverything(t *testing.T) {
	q := newQueue(3, 10)
	got := make(chan []*result)
	go func() { got <- q.take() }()
	q.put(withRecs(1))
	q.put(withRecs(1))
	q.put(withRecs(2))
	batch := <-got
	if n := countRecs(batch); n < 3 {
		t.Fatalf("took %d records, want at least the batch size 3", n)
	}
	q.put(withRecs(1))
	q.close()
	rest := q.take()
	if total := countRecs(batch) + countRecs(rest); total != 5 {
		t.Fatalf("took %d records in all, want 5", total)
	}
	if q.take() != nil {
		t.Fatal("a closed, empty queue still gave a batch")
	}
}

// When the writer is behind, gathering waits rather than holding ever more
// records: a put past the bound returns only after a take.
func TestQueuePutWaitsWhileFull(t *testing.T) {
	q := newQueue(1, 2)
	first := withRecs(2)
	q.put(first)
	second := withRecs(1)
	put := make(chan struct{})
	go func() {
		q.put(second)
		close(put)
	}()
	batch := q.take()
	if len(batch) != 1 || batch[0] != first {
		t.Fatalf("first batch %d results, want only the one queued before the bound", len(batch))
	}
	<-put
	q.close()
	if batch := q.take(); len(batch) != 1 || batch[0] != second {
		t.Fatalf("second batch %d results, want the one that waited", len(batch))
	}
}

// newThreeFeedHub returns the fixture server and a hub of three of its
// feeds: an RSS, an Atom and a JSON Feed, seven items, one a duplicate.
func newThreeFeedHub(t *testing.T) (*fixtureServer, *hub) {
	srv := newFixtureServer(t)
	return srv, newHub(t, true,
		model.Source{URL: srv.URL + "/feeds/a.xml", Provider: "example-news.com"},
		model.Source{URL: srv.URL + "/feeds/b.atom"},
		model.Source{URL: srv.URL + "/feeds/feed.json"},
	)
}

func countRecs(rs []*result) int {
	n := 0
	for _, r := range rs {
		n += len(r.recs)
	}
	return n
}

// Options.Curating is told before each batch curated once the round's
// sources are read and after it is stored, and around retention, in turn
// (the ingest command lowers the memory limit between): a round of fewer
// arrivals than a batch is curated at its end, and every article of it is
// stored while it says curating.
func TestCuratingIsToldAroundTheRoundsEnd(t *testing.T) {
	_, h := newThreeFeedHub(t)
	ctx := context.Background()
	stored := func() int {
		n := 0
		err := h.st.Scan(ctx, []model.Kind{model.KindNews}, func(*model.Record) error { n++; return nil })
		if err != nil {
			panic(err)
		}
		return n
	}
	var (
		calls    []bool
		inCurate int // news stored between a true and the false after it
		before   int
	)
	opts := testOptions()
	opts.All = true
	opts.Retention = &retention.Policy{ArchiveAfter: 30 * 24 * time.Hour}
	opts.Curating = func(on bool) {
		calls = append(calls, on)
		if on {
			before = stored()
		} else {
			inCurate += stored() - before
		}
	}
	var logged bytes.Buffer
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(ctx)
	if err != nil || sum.New != 6 {
		t.Fatalf("round %+v %v", sum, err)
	}
	batches := strings.Count(logged.String(), "batch stored")
	if batches < 1 || len(calls) != 2*batches+2 {
		t.Fatalf("%d calls for %d batches stored and retention, want two each", len(calls), batches)
	}
	for i, on := range calls {
		if on != (i%2 == 0) {
			t.Fatalf("calls %v: want true and false in turn", calls)
		}
	}
	if inCurate != 6 {
		t.Errorf("%d of the 6 news stored while curating", inCurate)
	}
}

// Curation runs alone from a batch's start once the sources are read, or
// from the moment they are read when a batch is under way then, to the
// batch's end; a batch that ends before they are read never does.
func TestCurationTurnsTellWhenCurationRunsAlone(t *testing.T) {
	tests := []struct {
		name   string
		events string // b: a batch begins, e: it ends, r: the sources are read
		want   []bool
	}{
		{"batches after the sources are read", "rbebe", []bool{true, false, true, false}},
		{"a batch under way when they are read", "bre", []bool{true, false}},
		{"a batch before, one after", "berbe", []bool{true, false}},
		{"batches before only", "bebe", nil},
		{"read with no batch", "r", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []bool
			in := &Ingester{opts: Options{Curating: func(on bool) { calls = append(calls, on) }}}
			var c curationTurns
			for _, e := range tt.events {
				switch e {
				case 'b':
					c.batch(in, true)
				case 'e':
					c.batch(in, false)
				case 'r':
					c.sourcesRead(in)
				}
			}
			if !slices.Equal(calls, tt.want) {
				t.Errorf("%s: calls %v, want %v", tt.events, calls, tt.want)
			}
		})
	}
}

// Small batches, committed while sources are still read, store every
// article once, and a second round adds and rewrites nothing.
func TestSmallBatchesStoreEveryArticleOnce(t *testing.T) {
	srv, h := newThreeFeedHub(t)
	opts := testOptions()
	opts.All = true
	opts.BatchSize = 1
	opts.Workers = 1 // sources one after another: several batches
	var logged bytes.Buffer
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	first, err := in.RunOnce(ctx)
	if err != nil || first.New != 6 || first.Duplicates != 1 || first.Fetched != 3 {
		t.Fatalf("first round %+v %v", first, err)
	}
	if n := strings.Count(logged.String(), "batch stored"); n < 2 {
		t.Fatalf("%d batches stored, want several", n)
	}
	news := h.news(t)
	if len(news) != 6 {
		t.Fatalf("%d news records, want 6", len(news))
	}
	for _, url := range []string{srv.URL + "/feeds/a.xml", srv.URL + "/feeds/b.atom", srv.URL + "/feeds/feed.json"} {
		if s := h.state(t, url); s.LastSuccess.IsZero() || s.Errors != 0 {
			t.Errorf("state of %s not recorded as a success: %+v", url, s)
		}
	}
	before := h.records(t)
	second, err := in.RunOnce(ctx)
	if err != nil || second.New != 0 || second.Written != 0 {
		t.Fatalf("second round %+v %v", second, err)
	}
	after := h.records(t)
	for p, raw := range before {
		if after[p] != raw {
			t.Errorf("%s rewritten", p)
		}
	}
}

// A worker that waits for the curate lock while another worker curates
// commits, once it has the lock, every result gathered meanwhile: one
// batch, one read of the stored window, rather than one batch for what it
// held when it began to wait and another for the rest.
func TestResultsGatheredWhileAnotherCuratesJoinTheBatch(t *testing.T) {
	ctx := context.Background()
	urls := []string{"https://a.example.org/feed.xml", "https://b.example.org/feed.xml", "https://c.example.org/feed.xml"}
	var srcs []model.Source
	for _, u := range urls {
		srcs = append(srcs, model.Source{URL: u})
	}
	h := newHub(t, false, srcs...)
	var logged bytes.Buffer
	opts := testOptions()
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()
	r := &round{in: in, queue: newQueue(1, 10),
		leases: &leases{st: h.st, holder: in.holder, ttl: time.Minute, held: map[string]bool{}}}
	notModified := func(url string) *result {
		return &result{src: model.Source{URL: url}, state: store.SourceState{URL: url}, notModified: true}
	}

	// Another worker's turn: it holds the lock until told.
	holding, release, other := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		other <- h.st.Exclusive(ctx, curateLock, func(context.Context) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	r.queue.put(notModified(urls[0]))
	var sum Summary
	done := make(chan error, 1)
	go func() { done <- r.commit(ctx, r.queue, map[string]bool{}, &sum) }()
	// Gathered while the other worker still curates.
	r.queue.put(notModified(urls[1]))
	r.queue.put(notModified(urls[2]))
	close(release)
	if err := <-other; err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sum.NotModified != len(urls) {
		t.Fatalf("the turn committed %d sources, want all %d gathered before it had the lock", sum.NotModified, len(urls))
	}
	if n := strings.Count(logged.String(), "curate lock taken"); n != 1 {
		t.Errorf("%d turns of the lock, want 1", n)
	}
	for _, u := range urls {
		if s := h.state(t, u); s.URL != u {
			t.Errorf("state of %s not recorded: %+v", u, s)
		}
	}
}
