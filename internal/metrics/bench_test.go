package metrics

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// discard is a ResponseWriter that keeps nothing, so the benchmarks
// measure the handlers and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkMiddleware measures what the instruments add to a request on
// the serving path: the same trivial handler bare, behind InstrumentRoute
// and behind a classifying Middleware; run with -benchmem and compare.
func BenchmarkMiddleware(b *testing.B) {
	body := []byte(`{"ok":true}`)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	m := New(Options{NoRuntime: true})
	classify := func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			return "api"
		}
		return "page"
	}
	handlers := []struct {
		name string
		h    http.Handler
	}{
		{"bare", next},
		{"route", m.InstrumentRoute("api", next)},
		{"classified", m.Middleware([]string{"api", "feeds", "page", "search"}, classify, next)},
	}
	// A server that times its requests already (for its access log)
	// only adds Observe.
	route := m.Route("api")
	handlers = append(handlers, struct {
		name string
		h    http.Handler
	}{"observe-only", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		route.Observe(http.StatusOK, 1500)
	})})
	req := httptest.NewRequest("GET", "/api/news/index.json", nil)
	for _, h := range handlers {
		b.Run(h.name, func(b *testing.B) {
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.h.ServeHTTP(w, req)
			}
		})
		b.Run(h.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discard{h: http.Header{}}
				for pb.Next() {
					h.h.ServeHTTP(w, req)
				}
			})
		})
	}
}

// BenchmarkScrape measures a scrape of /metrics on a hub of 1,000 sources
// and 5,000 articles: with the store unchanged since the last scrape
// (the hub's state is kept) and after a write (read again).
func BenchmarkScrape(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "newshub.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	list, err := sources.Load(ctx, st, "")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := range 1000 {
		u := fmt.Sprintf("https://s%d.example/feed.xml", i)
		if err := list.Add(model.Source{URL: u}); err != nil {
			b.Fatal(err)
		}
		s := store.SourceState{URL: u, LastFetch: now, NextFetch: now.Add(time.Hour), Errors: i % 7 / 6,
			LastRead: store.ReadReport{Items: 20, New: 2, NotStored: map[string]int{"already stored": 17, "duplicate": 1}}}
		if err := st.PutSourceState(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	if err := list.Save(ctx, st, ""); err != nil {
		b.Fatal(err)
	}
	var recs []*model.Record
	for i := range 5000 {
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2024-11-05-a%d.md", i), Kind: model.KindNews,
			Article: &model.Article{Title: fmt.Sprintf("Article %d", i), OriginalURL: fmt.Sprintf("https://s%d.example/a%d", i%1000, i), PublishedDateTime: now}})
	}
	if err := st.Upsert(ctx, recs); err != nil {
		b.Fatal(err)
	}
	m := New(Options{Store: st})
	h := m.Handler()
	req := httptest.NewRequest("GET", "/metrics", nil)
	scrape := func(b *testing.B) {
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, req)
	}
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			scrape(b)
		}
	})
	b.Run("after-a-write", func(b *testing.B) {
		s := store.SourceState{URL: "https://s0.example/feed.xml"}
		for b.Loop() {
			b.StopTimer()
			s.Items++
			if err := st.PutSourceState(ctx, s); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			scrape(b)
		}
	})
}
