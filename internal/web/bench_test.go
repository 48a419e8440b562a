package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// benchArticles is the size of the benchmark hub; NEWSHUB_BENCH_ARTICLES
// overrides it.
func benchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("NEWSHUB_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchHub is one generated hub shared by every benchmark of a run.
var benchHub struct {
	once    sync.Once
	err     error
	st      store.Store
	hub     *hub
	stories []string // story ids, largest first
	topics  []string // topic ids
	dir     string
}

// loadBenchHub generates the hub (gen's synthetic site, with story ids
// given to each generated story) into a SQLite store.
func loadBenchHub(b *testing.B) {
	b.Helper()
	benchHub.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "newshub-web-bench-")
		if err != nil {
			benchHub.err = err
			return
		}
		benchHub.dir = dir
		st, err := sqlite.Open(ctx, filepath.Join(dir, "hub.db"))
		if err != nil {
			benchHub.err = err
			return
		}
		benchHub.st = st
		start := time.Now()
		var batch []*model.Record
		size := map[string]int{}
		flush := func() error {
			err := st.Upsert(ctx, batch)
			batch = batch[:0]
			return err
		}
		until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		err = genRecords(benchArticles(), until, func(r *model.Record) error {
			if r.Article != nil {
				size[r.Article.Story]++
			}
			batch = append(batch, r)
			if len(batch) == 2000 {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			benchHub.err = err
			return
		}
		for id := range size {
			benchHub.stories = append(benchHub.stories, id)
		}
		slices.SortFunc(benchHub.stories, func(x, y string) int { return size[y] - size[x] })
		benchHub.hub = newHubAt(b, st, func() time.Time { return until })
		viewStart := time.Now()
		v, err := benchHub.hub.views.Current(ctx)
		if err != nil {
			benchHub.err = err
			return
		}
		for _, t := range v.Site().Topics {
			benchHub.topics = append(benchHub.topics, t.ID)
		}
		fmt.Fprintf(os.Stderr, "bench hub: %d articles, %d stories, %d leads; loaded in %v; first view %v\n",
			benchArticles(), len(size), len(v.Ranked()), viewStart.Sub(start).Round(time.Millisecond), time.Since(viewStart).Round(time.Millisecond))
	})
	if benchHub.err != nil {
		b.Fatalf("bench hub: %v", benchHub.err)
	}
}

// benchPages requests the paths in turn (the website's from the Web, the
// API's from the server) and reports the median and 95th percentile of
// the server-side time, beside Go's mean.
func benchPages(b *testing.B, paths []string, wantCode int) {
	b.Helper()
	loadBenchHub(b)
	h := benchHub.hub
	// Load the view: it is loaded once per store generation.
	h.view(b)
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	cpu0 := testutil.CPUTime()
	b.ResetTimer()
	for i := range b.N {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		var handler http.Handler = h.web
		if strings.HasPrefix(req.URL.Path, "/api/") {
			handler = h.srv
		}
		start := time.Now()
		handler.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != wantCode {
			b.Fatalf("GET %s: status %d", paths[i%len(paths)], rec.Code)
		}
	}
	b.StopTimer()
	// CPU time per request: on a busy machine wall time mostly measures
	// waiting for a processor.
	b.ReportMetric(float64((testutil.CPUTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}

func BenchmarkHome(b *testing.B) { benchPages(b, []string{"/"}, 200) }

func BenchmarkTopic(b *testing.B) {
	loadBenchHub(b)
	var paths []string
	for _, id := range benchHub.topics {
		paths = append(paths, "/topics/"+id+"/", "/topics/"+id+"/page/3/")
	}
	benchPages(b, paths, 200)
}

func BenchmarkStory(b *testing.B) {
	loadBenchHub(b)
	// The largest stories and a spread of the others.
	var paths []string
	for i := 0; i < len(benchHub.stories); i += max(1, len(benchHub.stories)/200) {
		paths = append(paths, "/stories/"+benchHub.stories[i]+"/")
	}
	benchPages(b, append(paths, "/stories/"+benchHub.stories[0]+"/"), 200)
}

func BenchmarkArticle(b *testing.B) {
	loadBenchHub(b)
	ranked := benchHub.hub.view(b).v.Ranked()
	var paths []string
	for i := 0; i < len(ranked); i += max(1, len(ranked)/200) {
		paths = append(paths, "/news/"+ranked[i].Key+"/")
	}
	benchPages(b, paths, 200)
}

// BenchmarkSearch runs queries of every breadth, from one word matching
// thousands of articles to phrases matching a few; it reports how many
// articles the queries match at most.
// benchQueries are the searches of the benchmarks: words, a phrase, and
// two-letter prefixes, which match several thousand generated articles.
var benchQueries = []string{"election", "governor", "budget", "court ruling", "\"state senate\"", "vote*", "tax",
	"school board", "climate", "housing", "debate", "poll", "water", "police", "turnout",
	"se*", "go*", "ju*", "fu*", "cl*", "la*", "ac*", "si*"}

// searchPaths returns the benchmark's search paths (HTML, JSON, a later
// page) for the queries matching at most 10,000 articles, each with
// filter appended, and the most matches of any.
func searchPaths(b *testing.B, filter string) ([]string, int) {
	var paths []string
	most := 0
	for _, q := range benchQueries {
		res, err := benchHub.st.Search(context.Background(), store.SearchQuery{Text: q, Limit: 1})
		if err != nil {
			b.Fatalf("search %q: %v", q, err)
		}
		if res.Total > 10_000 {
			continue // the target is queries matching up to 10,000 articles
		}
		most = max(most, res.Total)
		v := "q=" + url.QueryEscape(q) + filter
		paths = append(paths, "/api/search?"+v, "/search?"+v, "/api/search?"+v+"&page=3")
	}
	if len(paths) == 0 {
		b.Skip("no query matches at most 10,000 articles")
	}
	return paths, most
}

func BenchmarkSearch(b *testing.B) {
	loadBenchHub(b)
	paths, most := searchPaths(b, "")
	benchPages(b, paths, 200)
	b.ReportMetric(float64(most), "max-matches") // after benchPages, which resets the metrics
}

// BenchmarkSearchFiltered is BenchmarkSearch within a topic, or the last
// year: every match is then tested against the filter.
func BenchmarkSearchFiltered(b *testing.B) {
	loadBenchHub(b)
	topic := benchHub.topics[min(1, len(benchHub.topics)-1)] // the first is the hub's root topic
	byTopic, most := searchPaths(b, "&topic="+url.QueryEscape(topic))
	byTime, _ := searchPaths(b, "&when=year")
	benchPages(b, append(byTopic, byTime...), 200)
	b.ReportMetric(float64(most), "max-matches")
}

// BenchmarkView measures loading the hub's view from the whole store,
// done once per store generation for the API, the feeds and the website.
func BenchmarkView(b *testing.B) {
	loadBenchHub(b)
	ctx := context.Background()
	v := benchHub.hub.view(b).v
	for b.Loop() {
		if _, err := publish.Load(ctx, benchHub.st, v.Site(), publish.Options{Now: v.Now}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild measures writing the whole static website from a loaded
// view (which reads the news again for the related coverage of articles).
func BenchmarkBuild(b *testing.B) {
	loadBenchHub(b)
	v := benchHub.hub.view(b).v
	cpu0, n := testutil.CPUTime(), 0
	for b.Loop() {
		dir := b.TempDir()
		if err := benchHub.hub.web.Build(context.Background(), v, publish.Folder(dir)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((testutil.CPUTime()-cpu0).Seconds()/float64(n), "cpu-s/op")
}

// TestMain removes the benchmark hub's folder after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchHub.st != nil {
		benchHub.st.Close()
	}
	if benchHub.dir != "" {
		os.RemoveAll(benchHub.dir)
	}
	os.Exit(code)
}

// BenchmarkSearchQueries times the store's search alone for each query, to
// tell the engine's share of search time from the page's.
func BenchmarkSearchQueries(b *testing.B) {
	loadBenchHub(b)
	ctx := context.Background()
	for _, q := range benchQueries {
		b.Run(q, func(b *testing.B) {
			var total int
			for b.Loop() {
				res, err := benchHub.st.Search(ctx, store.SearchQuery{Text: q, Limit: searchPageSize})
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
