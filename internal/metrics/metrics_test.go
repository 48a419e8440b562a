package metrics

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/ingest/sources"
	"newshub/internal/metrics/metricstest"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlitetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestHandlerServesRuntimeAndProcessMetrics(t *testing.T) {
	srv := httptest.NewServer(New(Options{}).Handler())
	defer srv.Close()
	runtime.GC() // the live heap is known from the first collection on
	f := metricstest.Scrape(t, srv.URL)
	for _, name := range []string{
		"go_gc_heap_live_bytes",        // runtime/metrics' /gc/heap/live:bytes
		"go_sched_gomaxprocs_threads",  // another of runtime/metrics
		"go_goroutines",                // the classic Go collector
		"process_start_time_seconds",   // the process collector
		"newshub_ingest_fetches_total", // the hub's own, at zero
		"newshub_ingest_items_total",   // ...
		"newshub_ingest_rounds_total",  // ...
		"newshub_ingest_round_duration_seconds",
	} {
		if _, ok := f[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	if v, _ := f.Value("go_gc_heap_live_bytes"); v <= 0 {
		t.Errorf("go_gc_heap_live_bytes = %v", v)
	}
	// Each outcome of a fetch is served from the start, at zero, so that
	// the first of one counts in a rate or an increase.
	for _, o := range []string{"fetched", "not modified", "failed", "not asked"} {
		if _, ok := f.Value("newshub_ingest_fetches_total", "outcome", o); !ok {
			t.Errorf("no newshub_ingest_fetches_total{outcome=%q} before any round", o)
		}
	}
	// Without a store, nothing of the hub's state is served.
	if _, ok := f["newshub_store_up"]; ok {
		t.Error("store state served without a store")
	}
}

// routeOf classifies as a careless caller might: the raw path for
// anything it does not know.
func routeOf(r *http.Request) string {
	switch p := r.URL.Path; {
	case p == "/":
		return "home"
	case strings.HasPrefix(p, "/api/"):
		return "api"
	default:
		return p
	}
}

func TestRouteLabelsStayBounded(t *testing.T) {
	m := New(Options{NoRuntime: true})
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") })
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "home") })
	cases := []struct {
		name    string
		handler func() http.Handler
		labels  []string // the route label values 1,000 unknown paths may leave
	}{
		{"middleware", func() http.Handler { return m.Middleware([]string{"home", "api"}, routeOf, mux) },
			[]string{"api", "home", OtherRoute}},
		{"instrumented route", func() http.Handler { return m.InstrumentRoute("site", mux) },
			[]string{"api", "home", OtherRoute, "site"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler())
			defer srv.Close()
			get(t, srv.URL+"/")
			get(t, srv.URL+"/api/news")
			for i := range 1000 {
				get(t, fmt.Sprintf("%s/no/such/page-%d?q=%d", srv.URL, i, i))
			}
			ms := httptest.NewServer(m.Handler())
			defer ms.Close()
			f := metricstest.Scrape(t, ms.URL)
			routes := f.LabelValues("newshub_http_requests_total", "route")
			slices.Sort(routes)
			if !slices.Equal(routes, c.labels) {
				t.Errorf("route labels %v, want %v", routes, c.labels)
			}
			codes := f.LabelValues("newshub_http_requests_total", "code")
			slices.Sort(codes)
			if !slices.Equal(codes, []string{"200", "404"}) {
				t.Errorf("code labels %v", codes)
			}
			if n := len(f["newshub_http_request_duration_seconds"].GetMetric()); n != len(c.labels) {
				t.Errorf("%d latency series, want %d", n, len(c.labels))
			}
		})
	}
	f := metricstest.Parse(t, scrapeBody(t, m))
	for _, c := range []struct {
		route, code string
		want        float64
	}{
		{OtherRoute, "404", 1000}, {"home", "200", 1}, {"api", "200", 1}, {"site", "404", 1000}, {"site", "200", 2},
	} {
		if v, _ := f.Value("newshub_http_requests_total", "route", c.route, "code", c.code); v != c.want {
			t.Errorf("requests{route=%q,code=%q} = %v, want %v", c.route, c.code, v, c.want)
		}
	}
}

func get(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func scrapeBody(t *testing.T, m *Metrics) io.Reader {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body
}

func TestMiddlewareCountsTheCodeAnswered(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		code    string
		panics  bool
	}{
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {}, "200", false},
		{"body only", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "x") }, "200", false},
		{"not modified", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(304) }, "304", false},
		{"early hints then ok", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusCreated)
		}, "201", false},
		{"unavailable", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) }, "503", false},
		{"odd code", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(799) }, "other", false},
		{"panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") }, "500", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := New(Options{NoRuntime: true})
			h := m.InstrumentRoute("r", c.handler)
			func() {
				defer func() {
					if v := recover(); (v != nil) != c.panics {
						t.Errorf("panic %v", v)
					}
				}()
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			}()
			f := metricstest.Parse(t, scrapeBody(t, m))
			if codes := f.LabelValues("newshub_http_requests_total", "code"); !slices.Equal(codes, []string{c.code}) {
				t.Errorf("codes %v, want %s", codes, c.code)
			}
			if v, _ := f.Value("newshub_http_request_duration_seconds", "route", "r"); v != 1 {
				t.Errorf("%v latencies observed", v)
			}
		})
	}
}

func TestMiddlewareKeepsFlushing(t *testing.T) {
	m := New(Options{NoRuntime: true})
	h := m.InstrumentRoute("r", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "part")
		w.(http.Flusher).Flush()
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !rec.Flushed {
		t.Error("the flush did not reach the writer underneath")
	}
}

func TestNilMetricsCountNothing(t *testing.T) {
	var m *Metrics
	m.IngestRound(Round{Items: map[string]int{"stored": 1}})
	m.SourceFailed("https://example.org/feed")
	m.Curated(CurateAll, time.Second)
	m.Published(PublishLoad, time.Second)
	m.ItemOutcomes("x")
	m.Route("r").Observe(200, time.Millisecond)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	if got := m.InstrumentRoute("r", h); reflect.ValueOf(got).Pointer() != reflect.ValueOf(h).Pointer() {
		t.Error("a nil Metrics wrapped the handler")
	}
}

func TestReadyzNeedsTheStoreAndTheView(t *testing.T) {
	st := openStore(t)
	var loaded atomic.Bool
	h := Readyz(StoreReachable(st), ViewLoaded(loaded.Load))
	steps := []struct {
		name   string
		do     func()
		code   int
		saying string
	}{
		{"before the view is loaded", func() {}, 503, "view: the hub's view is not loaded yet"},
		{"once loaded", func() { loaded.Store(true) }, 200, "ready"},
		{"store closed", func() { st.Close() }, 503, "store: "},
	}
	for _, s := range steps {
		s.do()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != s.code || !strings.Contains(rec.Body.String(), s.saying) {
			t.Errorf("%s: %d %q, want %d saying %q", s.name, rec.Code, rec.Body, s.code, s.saying)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", s.name, cc)
		}
	}
}

func TestHealthzAnswersGetOnly(t *testing.T) {
	for _, c := range []struct {
		method string
		code   int
	}{{"GET", 200}, {"HEAD", 200}, {"POST", 405}} {
		rec := httptest.NewRecorder()
		Healthz().ServeHTTP(rec, httptest.NewRequest(c.method, "/healthz", nil))
		if rec.Code != c.code {
			t.Errorf("%s: %d, want %d", c.method, rec.Code, c.code)
		}
	}
}

// seedHub lists sources in every state and records their states.
func seedHub(t *testing.T, st store.Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	list, err := sources.Load(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	off := false
	for _, s := range []model.Source{
		{URL: "https://a.example/feed"}, {URL: "https://b.example/feed"}, {URL: "https://c.example/feed"},
		{URL: "https://d.example/feed"}, {URL: "https://e.example/feed", Enabled: &off},
	} {
		if err := list.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := list.Save(ctx, st, ""); err != nil {
		t.Fatal(err)
	}
	states := []store.SourceState{
		{URL: "https://a.example/feed", LastFetch: now.Add(-10 * time.Minute), NextFetch: now.Add(time.Hour),
			LastRead: store.ReadReport{Items: 10, New: 4, NotStored: map[string]int{"already stored": 5, "no usable link": 1}}},
		{URL: "https://b.example/feed", LastFetch: now.Add(-3 * time.Minute), NextFetch: now.Add(-time.Minute), Errors: 2},
		{URL: "https://c.example/feed", LastFetch: now.Add(-time.Hour), Errors: 10, Paused: true,
			LastRead: store.ReadReport{Items: 3, New: 1, NotStored: map[string]int{"duplicate": 2}}},
		// d was never fetched: due. A state of a source no longer listed
		// counts for nothing.
		{URL: "https://gone.example/feed", LastFetch: now, Errors: 3, LastRead: store.ReadReport{Items: 99, New: 99}},
	}
	for _, s := range states {
		if err := st.PutSourceState(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	rec := &model.Record{Path: "_news/2024-11-05-one.md", Kind: model.KindNews, Article: &model.Article{Title: "One", OriginalURL: "https://a.example/one", PublishedDateTime: now}}
	if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
}

func TestStatusReadFromTheStore(t *testing.T) {
	st := openStore(t)
	now := time.Now()
	seedHub(t, st, now)
	s, err := ReadStatus(context.Background(), st, "", scheduler.Policy{}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := SourceCounts{Listed: 5, Disabled: 1, Due: 2, Failing: 1, Paused: 1}
	if s.Sources != want {
		t.Errorf("sources %+v, want %+v", s.Sources, want)
	}
	if d := s.LastFetch.Sub(now.Add(-3 * time.Minute)); d.Abs() > time.Microsecond { // the store keeps microseconds
		t.Errorf("last fetch %s, want %s", s.LastFetch, now.Add(-3*time.Minute))
	}
	wantReads := Reads{Items: 13, Outcomes: map[string]int{"stored": 5, "already stored": 5, "no usable link": 1, "duplicate": 2}}
	if !reflect.DeepEqual(s.LastReads, wantReads) {
		t.Errorf("last reads %+v, want %+v", s.LastReads, wantReads)
	}
	if s.Records[model.KindNews] != 1 || s.Records[model.KindSources] != 1 || s.Generation == 0 || s.Running != nil {
		t.Errorf("status %+v", s)
	}
}

// TestStatusParsedBackFromMetrics serves a hub's state and reads it back
// with Prometheus' parser: what `status --url` prints is what `status`
// reads from the store, the free pages of its file included, which a
// purge left.
func TestStatusParsedBackFromMetrics(t *testing.T) {
	st := openStore(t)
	now := time.Now()
	seedHub(t, st, now)
	purge(t, st, 300)
	m := New(Options{Store: st})
	m.IngestRound(Round{Duration: time.Second, Fetches: map[string]int{"fetched": 3, "failed": 1},
		Items: map[string]int{"stored": 4, "already stored": 5}})
	m.IngestRound(Round{Duration: time.Second, Err: true})
	m.Route("api").Observe(200, time.Millisecond)
	m.Route("api").Observe(404, time.Millisecond)

	got, err := ParseStatus(scrapeBody(t, m))
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadStatus(context.Background(), st, "", scheduler.Policy{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	run := got.Running
	got.Running = nil
	if d := got.LastFetch.Sub(want.LastFetch); d.Abs() > time.Microsecond {
		t.Errorf("last fetch %s, want %s", got.LastFetch, want.LastFetch)
	}
	got.LastFetch = want.LastFetch
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed  %+v\nfrom store %+v", got, want)
	}
	if want.Space == nil || want.Space.Free == 0 || want.Space.Free >= want.Space.File {
		t.Errorf("the store's file: %+v, want the free pages the purge left", want.Space)
	}
	if run == nil || run.Rounds != 2 || run.RoundErrors != 1 || run.Requests != 2 || run.Started.IsZero() ||
		time.Since(run.LastRound) > time.Minute || run.Fetches["fetched"] != 3 || run.Items["already stored"] != 5 {
		t.Errorf("running %+v", run)
	}
}

// purge stores n articles, then deletes them, as retention does: their
// pages are left free in the file.
func purge(t *testing.T, st store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := make([]*model.Record, n)
	paths := make([]string, n)
	for i := range recs {
		u := fmt.Sprintf("https://purged.example/a/%d", i)
		recs[i] = &model.Record{Path: fmt.Sprintf("_news/2024-01-01-purged-%d.md", i), Kind: model.KindNews,
			Article: &model.Article{Title: fmt.Sprintf("Purged %d", i), OriginalURL: u, PublishedDateTime: at,
				Excerpt: strings.Repeat("The recount went on past midnight. ", 20)}}
		paths[i] = recs[i].Path
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, paths...); err != nil {
		t.Fatal(err)
	}
}

func TestParseStatusRefusesMetricsWithoutTheHubsState(t *testing.T) {
	st := openStore(t)
	cases := []struct {
		name string
		m    func() *Metrics
		want string
	}{
		{"no store", func() *Metrics { return New(Options{NoRuntime: true}) }, "newshub_store_up missing"},
		{"store closed", func() *Metrics { st.Close(); return New(Options{Store: st, NoRuntime: true}) }, "could not read its store"},
	}
	for _, c := range cases {
		_, err := ParseStatus(scrapeBody(t, c.m()))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if _, err := ParseStatus(strings.NewReader("newshub_store_up{ 1\n")); err == nil {
		t.Error("malformed text parsed")
	}
}

func TestWriteFileHoldsOnlyTheHubsOwnMetrics(t *testing.T) {
	st := openStore(t)
	m := New(Options{Store: st})
	m.Curated(CurateAll, 1500*time.Millisecond)
	path := filepath.Join(t.TempDir(), "curate.prom")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := metricstest.Parse(t, bytes.NewReader(b))
	for name := range f {
		if !strings.HasPrefix(name, "newshub_") || strings.HasPrefix(name, "newshub_store_") {
			t.Errorf("%s written", name)
		}
	}
	if v, _ := f.Value("newshub_curate_duration_seconds", "mode", "all"); v != 1 {
		t.Errorf("%v curations in the file", v)
	}
}

func TestStateIsReadAgainOnlyWhenTheGenerationMoves(t *testing.T) {
	st := openStore(t)
	seedHub(t, st, time.Now())
	c := newStateCollector(st, "", scheduler.Policy{}, nil)
	first, err := c.snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.snapshot(context.Background()); again != first {
		t.Error("read again with the generation unchanged")
	}
	if err := st.PutSourceState(context.Background(), store.SourceState{URL: "https://d.example/feed", Errors: 1}); err != nil {
		t.Fatal(err)
	}
	after, err := c.snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after == first || after.status(scheduler.Policy{}, time.Now()).Sources.Failing != 2 {
		t.Error("not read again after a write")
	}
}

// TestConcurrentRequestsAndScrapes counts requests from many goroutines
// on new routes and codes while /metrics is scraped: every request is
// counted once (and the race detector, in ./scripts/test, watches).
func TestConcurrentRequestsAndScrapes(t *testing.T) {
	st := openStore(t)
	seedHub(t, st, time.Now())
	m := New(Options{Store: st})
	const workers, each = 8, 200
	done := make(chan struct{})
	scraped := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-done:
				scraped <- n
				return
			default:
				rec := httptest.NewRecorder()
				m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				if rec.Code != http.StatusOK {
					t.Errorf("scrape: %d", rec.Code)
				}
				n++
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := m.Middleware([]string{"a", "b"}, func(r *http.Request) string { return r.URL.Path[1:] },
				http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(200 + w%3) }))
			for i := range each {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", []string{"/a", "/b", "/c"}[i%3], nil))
			}
		}()
	}
	wg.Wait()
	close(done)
	if n := <-scraped; n == 0 {
		t.Error("no scrape ran alongside")
	}
	f := metricstest.Parse(t, scrapeBody(t, m))
	total := 0.0
	for _, v := range f.ByLabel("newshub_http_requests_total", "route") {
		total += v
	}
	if total != workers*each {
		t.Errorf("%v requests counted, want %d", total, workers*each)
	}
}

// The last round's end only moves forward: a round the store logged
// earlier than one this process measured leaves the later one.
func TestLastRoundOnlyMovesForward(t *testing.T) {
	at := func(sec int64) time.Time { return time.Unix(sec, 0) }
	cases := []struct {
		name string
		told []time.Time
		want float64
	}{
		{"none", nil, 0},
		{"zero", []time.Time{{}}, 0},
		{"one", []time.Time{at(1000)}, 1000},
		{"later", []time.Time{at(1000), at(2000)}, 2000},
		{"earlier", []time.Time{at(2000), at(1000)}, 2000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := New(Options{NoRuntime: true})
			for _, tm := range c.told {
				m.LastRound(tm)
			}
			f := gather(t, m)
			if v, _ := f.Value(nameLastRound); v != c.want {
				t.Errorf("%s = %v, want %v", nameLastRound, v, c.want)
			}
		})
	}
}

// gather serves m's metrics and parses them as a scraper does.
func gather(t *testing.T, m *Metrics) metricstest.Families {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	return metricstest.Scrape(t, srv.URL)
}

// The public /readyz logs a check when it starts to fail, fails otherwise
// or holds again, not at every probe: a load balancer probes every few
// seconds, and a database file gone for an hour logged a WARN line at
// each of them.
func TestPublicReadyzLogsOncePerChange(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "newshub.db")
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logged bytes.Buffer
	h := PublicReadyz(slog.New(slog.NewTextHandler(&logged, nil)), StoreReachable(st))
	probe := func(times, code int) {
		t.Helper()
		for range times {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
			if rec.Code != code {
				t.Fatalf("/readyz %d %q, want %d", rec.Code, rec.Body, code)
			}
		}
	}
	move := func(from, to string) {
		t.Helper()
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}
	probe(3, http.StatusOK)
	move(db, db+".aside")
	probe(5, http.StatusServiceUnavailable)
	move(db+".aside", db)
	probe(5, http.StatusOK)
	move(db, db+".aside")
	probe(5, http.StatusServiceUnavailable)

	var got []string
	for line := range strings.Lines(logged.String()) {
		_, line, _ = strings.Cut(strings.TrimSpace(line), " ") // the time
		line, _, _ = strings.Cut(line, " err=")
		got = append(got, line)
	}
	want := []string{
		`level=WARN msg="not ready" check=store`,
		`level=INFO msg="ready again" check=store`,
		`level=WARN msg="not ready" check=store`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("logged:\n%s\nwant the lines of:\n%s", logged.String(), strings.Join(want, "\n"))
	}
}

// TestSourceErrorsKeepFewSeries fails 20,000 sources once each, as a hub
// reading a directory's feeds meets timeouts over the days: the first
// maxSourceSeries keep a series of their own, the others count under
// otherSources, and a source removed from the list gives its place to
// the next that fails, where every source that ever failed had a series.
func TestSourceErrorsKeepFewSeries(t *testing.T) {
	m := New(Options{NoRuntime: true})
	const n = 20000
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://h%d.example/feed/%d.xml", i%700, i)
		m.SourceFailed(urls[i])
	}
	m.SourceFailed(urls[0])
	f := metricstest.Parse(t, scrapeBody(t, m))
	const name = "newshub_ingest_source_errors_total"
	by := f.ByLabel(name, "source")
	if len(by) != maxSourceSeries+1 || by[urls[0]] != 2 || by[urls[maxSourceSeries-1]] != 1 || by[otherSources] != n-maxSourceSeries {
		t.Fatalf("%d series, %s %v, %s %v, %s %v; want %d series, the first source's 2 failures, the %dth's 1, %d others",
			len(by), urls[0], by[urls[0]], urls[maxSourceSeries-1], by[urls[maxSourceSeries-1]], otherSources, by[otherSources],
			maxSourceSeries+1, maxSourceSeries, n-maxSourceSeries)
	}
	m.KeepSources(urls[1:])
	m.SourceFailed(urls[n-1])
	by = metricstest.Parse(t, scrapeBody(t, m)).ByLabel(name, "source")
	if _, kept := by[urls[0]]; kept || by[urls[n-1]] != 1 || len(by) != maxSourceSeries+1 {
		t.Errorf("after the first source was removed: %d series, its own kept: %v, the last source's %v; want its place taken by the last", len(by), kept, by[urls[n-1]])
	}
}
